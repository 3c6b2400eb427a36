package com.clozette.analytics.aggregator.report;

/** Stored data of a site changed for event times in [fromMillis, toMillis]: answers over it are stale. */
public record DataChange(String site, long fromMillis, long toMillis) {
  public boolean overlaps(String otherSite, long from, long to) {
    return site.equals(otherSite) && fromMillis < to && toMillis >= from;
  }
}
