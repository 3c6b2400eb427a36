package com.clozette.analytics.aggregator.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The report of RULES.md for one site and range. Averages and rates are rounded to 6 decimals.
 *
 * @param visitorsApprox true when visitors (and so avgTimePerVisitorSeconds) come from a sketch, not
 *     an exact count; absent (null) when exact, as from the embedded store
 * @param visitorsRelativeStandardError the sketch's relative standard error when visitorsApprox
 */
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
    List<PageCount> exitPages,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean visitorsApprox,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double visitorsRelativeStandardError) {

  /** A report with an exact visitor count. */
  public Report(String site, String from, String to, long pageviews, long visitors, long sessions, double avgSessionSeconds,
      double avgTimePerVisitorSeconds, double bounceRate, List<PageCount> entryPages, List<PageCount> exitPages) {
    this(site, from, to, pageviews, visitors, sessions, avgSessionSeconds, avgTimePerVisitorSeconds, bounceRate, entryPages,
        exitPages, null, null);
  }

  /** Rounds to the 6 decimals the report shape uses. */
  public static double round6(double value) {
    return Math.round(value * 1e6) / 1e6;
  }
}
