package com.clozette.analytics.aggregator.report;

import java.time.Instant;

/** A report request: one site, the half-open range [from, to), and how many top pages to list. */
public record ReportQuery(String site, Instant from, Instant to, int top) implements Cacheable {
  public static final int DEFAULT_TOP = 10;
  public static final int MAX_TOP = 1000;
}
