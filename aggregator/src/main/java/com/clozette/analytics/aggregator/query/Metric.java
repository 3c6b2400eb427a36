package com.clozette.analytics.aggregator.query;

import com.clozette.analytics.aggregator.report.Rates;
import java.util.function.Function;

/** What a query can ask for, each computed from a row's {@link Figures} (docs/QUERY.md). */
public enum Metric {
  PAGEVIEWS("pageviews", Figures::pageviews),
  VISITORS("visitors", Figures::visitors),
  SESSIONS("sessions", Figures::sessions),
  AVG_SESSION_SECONDS("avgSessionSeconds", f -> Rates.avgSessionSeconds(f.durationMillis(), f.sessions())),
  AVG_TIME_PER_VISITOR_SECONDS("avgTimePerVisitorSeconds", f -> Rates.avgTimePerVisitorSeconds(f.durationMillis(), f.visitors())),
  BOUNCE_RATE("bounceRate", f -> Rates.bounceRate(f.bounces(), f.sessions())),
  VIEWS_PER_SESSION("viewsPerSession", f -> Rates.viewsPerSession(f.pageviews(), f.sessions())),
  EXIT_RATE("exitRate", f -> Rates.exitRate(f.exits(), f.pageviews()));

  private final String wireName;
  private final Function<Figures, Number> value;

  Metric(String wireName, Function<Figures, Number> value) {
    this.wireName = wireName;
    this.value = value;
  }

  public String wireName() {
    return wireName;
  }

  public Number of(Figures figures) {
    return value.apply(figures);
  }

  public static Metric fromWireName(String name) {
    for (Metric metric : values()) {
      if (metric.wireName.equals(name)) {
        return metric;
      }
    }
    return null;
  }
}
