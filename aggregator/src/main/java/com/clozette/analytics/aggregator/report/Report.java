package com.clozette.analytics.aggregator.report;

import java.util.List;

/** The report of RULES.md for one site and range. Averages and rates are rounded to 6 decimals. */
public record Report(
    String site,
    String from,
    String to,
    long pageviews,
    long visitors,
    long sessions,
    double avgSessionSeconds,
    double avgTimePerVisitorSeconds,
    double bounceRate,
    List<PageCount> entryPages,
    List<PageCount> exitPages) {

  /** Rounds to the 6 decimals the report shape uses. */
  public static double round6(double value) {
    return Math.round(value * 1e6) / 1e6;
  }
}
