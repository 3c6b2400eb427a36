package com.clozette.analytics.aggregator.store;

/** What storing a batch did: how many events were new, and how many were copies of stored ones. */
public record IngestResult(int accepted, int duplicates) {
  public static final IngestResult NONE = new IngestResult(0, 0);

  public IngestResult plus(IngestResult other) {
    return new IngestResult(accepted + other.accepted, duplicates + other.duplicates);
  }
}
