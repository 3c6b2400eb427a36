package com.clozette.analytics.aggregator.importer;

import java.util.List;

/** The answer to an import: counts, and the first {@link Importer#MAX_ERRORS} rejected lines. */
public record ImportResult(long accepted, long duplicates, long rejected, List<LineError> errors) {
  /** A rejected line: its 1-based number and why. */
  public record LineError(long line, String error) {}
}
