package com.clozette.analytics.aggregator.query;

import com.clozette.analytics.aggregator.report.Cacheable;
import com.clozette.analytics.aggregator.report.Interval;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A checked query of the query API (docs/QUERY.md): resolved half-open ranges, the site's zone,
 * and at most one time dimension. Equal queries are equal records, which the report cache keys on.
 *
 * @param filter null when every pageview matches
 * @param compareFrom start of the other range, null without compare
 */
public record Query(String site, Instant from, Instant to, ZoneId zone, List<Metric> metrics, List<GroupBy> dimensions,
    Filter filter, List<Order> orderBy, int limit, int offset, Instant compareFrom, Instant compareTo) implements Cacheable {

  public Query {
    metrics = List.copyOf(metrics);
    dimensions = List.copyOf(dimensions);
    orderBy = List.copyOf(orderBy);
  }

  public boolean compares() {
    return compareFrom != null;
  }

  /** Both ranges, and what lies between them: one span that holds every event the answer reads. */
  @Override
  public Instant readsFrom() {
    return compares() && compareFrom.isBefore(from) ? compareFrom : from;
  }

  @Override
  public Instant readsTo() {
    return compares() && compareTo.isAfter(to) ? compareTo : to;
  }

  /** The interval of the time dimension, or null without one. */
  public Interval interval() {
    return dimensions.stream().filter(GroupBy::isTime).map(GroupBy::time).findFirst().orElse(null);
  }

  /** True when no dimension but time is asked and no filter: what the rollups answer exactly. */
  public boolean rollupsAnswer() {
    return filter == null && dimensions.stream().allMatch(GroupBy::isTime) && !metrics.contains(Metric.EXIT_RATE);
  }

  /** Whether an asked metric, or one the rows are ordered by, counts sessions: else a store may leave sessions out. */
  public boolean countsSessions() {
    return java.util.stream.Stream.concat(metrics.stream(), QueryRows.orderKeys(this).stream().map(order -> Metric.fromWireName(order.field())))
        .anyMatch(metric -> metric != null && metric != Metric.PAGEVIEWS && metric != Metric.VISITORS);
  }

  /** The buckets of the range, each [start, end) clipped to it: one per interval, or the whole range without a time dimension. */
  public List<Bucket> buckets() {
    return buckets(from, to);
  }

  /** The buckets of the other range, matched with {@link #buckets()} by position. */
  public List<Bucket> compareBuckets() {
    return compares() ? buckets(compareFrom, compareTo) : List.of();
  }

  private List<Bucket> buckets(Instant start, Instant end) {
    Interval interval = interval();
    if (interval == null) {
      return List.of(new Bucket(start, end));
    }
    List<Instant> boundaries = interval.boundaries(start, end, zone);
    List<Bucket> buckets = new ArrayList<>(boundaries.size() - 1);
    for (int i = 0; i + 1 < boundaries.size(); i++) {
      Instant bucketStart = boundaries.get(i).isBefore(start) ? start : boundaries.get(i);
      Instant bucketEnd = boundaries.get(i + 1).isAfter(end) ? end : boundaries.get(i + 1);
      buckets.add(new Bucket(bucketStart, bucketEnd));
    }
    return buckets;
  }

  /** A time bucket [start, end), clipped to its range. */
  public record Bucket(Instant start, Instant end) {}
}
