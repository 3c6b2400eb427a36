package com.clozette.analytics.aggregator.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** What the report store answers besides the RULES.md report. */
public final class Results {
  private Results() {}

  /** One bucket of a time series, computed by the same rules as a report over [start, end). */
  public record Bucket(String start, String end, long pageviews, long visitors, long sessions,
      double avgSessionSeconds, double avgTimePerVisitorSeconds, double bounceRate) {}

  public record TimeSeries(String site, String from, String to, String interval, String timeZone, List<Bucket> buckets) {}

  /** A breakdown row; counts that do not apply to the dimension are absent. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BreakdownRow(String key, Long pageviews, Long visitors, Long sessions) {}

  public record Breakdown(String site, String from, String to, String by, List<BreakdownRow> rows, long total) {}

  /**
   * The policy's "frequency of use": new visitors had their first pageview ever in the range.
   *
   * @param visitorsApprox true when visitors (and so returningVisitors and sessionsPerVisitor, built on
   *     them) come from a sketch, not an exact count; absent (null) when exact, as from the embedded store
   * @param visitorsRelativeStandardError the sketch's relative standard error when visitorsApprox
   */
  public record VisitorSummary(String site, String from, String to, long visitors, long newVisitors, long returningVisitors,
      long sessions, double sessionsPerVisitor,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean visitorsApprox,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double visitorsRelativeStandardError) {

    /** A summary with an exact visitor count. */
    public VisitorSummary(String site, String from, String to, long visitors, long newVisitors, long returningVisitors,
        long sessions, double sessionsPerVisitor) {
      this(site, from, to, visitors, newVisitors, returningVisitors, sessions, sessionsPerVisitor, null, null);
    }
  }

  /**
   * @param behindSeconds how long since the store last held everything the system acknowledged: 0
   *     while it does (so these figures are complete up to {@code asOf}), null when it cannot be told
   *     (the store does not know it; {@link com.clozette.analytics.aggregator.http.ReportHandlers} fills it in)
   */
  public record Realtime(String site, int windowSeconds, long visitors, long pageviews, String asOf, Double behindSeconds) {
    public Realtime(String site, int windowSeconds, long visitors, long pageviews, String asOf) {
      this(site, windowSeconds, visitors, pageviews, asOf, null);
    }

    /** This answer saying how far behind the store is; a negative value means it cannot be told. */
    public Realtime behind(double seconds) {
      return new Realtime(site, windowSeconds, visitors, pageviews, asOf, seconds < 0 ? null : Report.round6(seconds));
    }
  }

  /**
   * Bot traffic left out of every report, for staff to see what was filtered and why.
   *
   * @param name the bot's name as Yauaa gives it (the stored {@code browser}), {@code Unknown} if none
   * @param source the rule that flagged it: {@code yauaa}, {@code list}, or {@code unknown} for bots
   *     stored before the rule was recorded
   */
  public record BotRow(String name, String source, long pageviews) {}

  /** The bot rows of a range, most pageviews first, at most the query's limit. */
  public record BotTraffic(String site, String from, String to, List<BotRow> bots) {}

  /**
   * One row of the partner's page export: a page of the day by {@code kind} (entry or exit of the
   * sessions starting that day, with their count; or a viewed page, with its pageviews), or
   * {@code (other)} for every page under the small-cell threshold or beyond the top rows, so a day's
   * rows always add up to its exact totals.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PageRow(String day, String kind, String path, Long pageviews, Long sessions, long visitors) {}
}
