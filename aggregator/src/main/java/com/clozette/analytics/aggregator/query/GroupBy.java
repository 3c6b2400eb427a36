package com.clozette.analytics.aggregator.query;

import com.clozette.analytics.aggregator.report.Dimension;
import com.clozette.analytics.aggregator.report.Interval;

/** One dimension of a query: either time buckets of an interval, or an attribute of pageviews or sessions. */
public record GroupBy(Interval time, Dimension attribute) {
  public GroupBy {
    if ((time == null) == (attribute == null)) {
      throw new IllegalArgumentException("a dimension is either time or an attribute");
    }
  }

  public static GroupBy time(Interval interval) {
    return new GroupBy(interval, null);
  }

  public static GroupBy of(Dimension attribute) {
    return new GroupBy(null, attribute);
  }

  public boolean isTime() {
    return time != null;
  }

  public String wireName() {
    return isTime() ? "time:" + time.wireName() : attribute.wireName();
  }

  /** {@code time:day} or an attribute's name; null when it names neither. */
  public static GroupBy fromWireName(String name) {
    if (name.startsWith("time:")) {
      Interval interval = Interval.fromWireName(name.substring(5));
      return interval == null ? null : time(interval);
    }
    Dimension attribute = Dimension.fromWireName(name);
    return attribute == null ? null : of(attribute);
  }
}
