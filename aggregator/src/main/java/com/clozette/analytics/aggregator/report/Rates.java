package com.clozette.analytics.aggregator.report;

/**
 * The averages and rates of RULES.md from additive counts, rounded to 6 decimals, 0 when there is
 * nothing to divide by: the one place this arithmetic is written, for the reports and the query API.
 */
public final class Rates {
  private Rates() {}

  public static double avgSessionSeconds(long durationMillis, long sessions) {
    return perUnit(durationMillis / 1000.0, sessions);
  }

  public static double avgTimePerVisitorSeconds(long durationMillis, long visitors) {
    return perUnit(durationMillis / 1000.0, visitors);
  }

  public static double bounceRate(long bounces, long sessions) {
    return perUnit(bounces, sessions);
  }

  /** A page's exits over its pageviews: 0 when its pageviews all lie outside the range. */
  public static double exitRate(long exits, long pageviews) {
    return perUnit(exits, pageviews);
  }

  public static double viewsPerSession(long pageviews, long sessions) {
    return perUnit(pageviews, sessions);
  }

  private static double perUnit(double amount, long units) {
    return units == 0 ? 0.0 : Report.round6(amount / units);
  }
}
