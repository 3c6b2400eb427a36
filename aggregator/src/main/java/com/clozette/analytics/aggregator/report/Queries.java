package com.clozette.analytics.aggregator.report;

import java.time.Instant;
import java.time.ZoneId;

/** The questions the report store answers; every range is half-open [from, to). */
public final class Queries {
  private Queries() {}

  /** A time series with one bucket per interval in the site's zone, clipped to the range. */
  public record Series(String site, Instant from, Instant to, Interval interval, ZoneId zone) {}

  /** One dimension's rows, most pageviews (or sessions) first, a page at a time. */
  public record Breakdown(String site, Instant from, Instant to, Dimension by, int limit, int offset) {}

  /** New and returning visitors, and sessions per visitor. */
  public record Visitors(String site, Instant from, Instant to) {}

  /** The bots' pageviews in [from, to), by bot name and the rule that flagged it, the first {@code limit} rows. */
  public record Bots(String site, Instant from, Instant to, int limit) {}

  /** Per-bucket entry and exit pages for the partner export. */
  public record PageExport(String site, Instant from, Instant to, ZoneId zone, int top, int smallCellK) {}
}
