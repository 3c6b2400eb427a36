package com.clozette.analytics.aggregator.report;

import com.clozette.analytics.aggregator.query.GroupBy;
import com.clozette.analytics.aggregator.query.Metric;
import com.clozette.analytics.aggregator.query.Query;
import com.clozette.analytics.aggregator.query.QueryResult;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** The questions the report store answers; every range is half-open [from, to). */
public final class Queries {
  private Queries() {}

  /**
   * A time series with one bucket per interval in the site's zone, clipped to the range: the query
   * model's unfiltered question by time ({@link #asQuery}), in the shape of {@code /api/v1/timeseries}.
   */
  public record Series(String site, Instant from, Instant to, Interval interval, ZoneId zone) {
    private static final List<Metric> METRICS = List.of(Metric.PAGEVIEWS, Metric.VISITORS, Metric.SESSIONS, Metric.AVG_SESSION_SECONDS,
        Metric.AVG_TIME_PER_VISITOR_SECONDS, Metric.BOUNCE_RATE);

    /** Every bucket, in time order: the figures of the report over each. */
    public Query asQuery() {
      return new Query(site, from, to, zone, METRICS, List.of(GroupBy.time(interval)), null, List.of(), Integer.MAX_VALUE, 0, null, null);
    }

    /** The answer to {@link #asQuery} as a time series. */
    public Results.TimeSeries answer(QueryResult result) {
      List<Query.Bucket> spans = asQuery().buckets();
      List<Results.Bucket> buckets = new ArrayList<>(result.results().size());
      for (int i = 0; i < result.results().size(); i++) {
        List<Number> values = result.results().get(i).metrics();
        Query.Bucket span = spans.get(i);
        buckets.add(new Results.Bucket(span.start().toString(), span.end().toString(), values.get(0).longValue(), values.get(1).longValue(),
            values.get(2).longValue(), values.get(3).doubleValue(), values.get(4).doubleValue(), values.get(5).doubleValue()));
      }
      return new Results.TimeSeries(site, from.toString(), to.toString(), interval.wireName(), zone.getId(), buckets);
    }
  }

  /** One dimension's rows, most pageviews (or sessions) first, a page at a time. */
  public record Breakdown(String site, Instant from, Instant to, Dimension by, int limit, int offset) implements Cacheable {}

  /** New and returning visitors, and sessions per visitor. */
  public record Visitors(String site, Instant from, Instant to) implements Cacheable {
    /** New visitors depend on each visitor's first pageview ever, which an event before the range can move. */
    @Override
    public Instant readsFrom() {
      return Instant.EPOCH;
    }
  }

  /** The bots' pageviews in [from, to), by bot name and the rule that flagged it, the first {@code limit} rows. */
  public record Bots(String site, Instant from, Instant to, int limit) {}

  /** Per-bucket entry and exit pages for the partner export. */
  public record PageExport(String site, Instant from, Instant to, ZoneId zone, int top, int smallCellK) implements Cacheable {}
}
