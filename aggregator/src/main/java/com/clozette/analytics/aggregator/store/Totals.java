package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.query.Figures;
import com.clozette.analytics.aggregator.report.Rates;
import org.roaringbitmap.RoaringBitmap;

/** Additive report totals over some hours and edges; visitors as a set so unions stay exact. */
final class Totals {
  long pageviews;
  final RoaringBitmap visitors = new RoaringBitmap();
  long sessions;
  long durationMillis;
  long bounces;

  long visitorCount() {
    return visitors.getLongCardinality();
  }

  double avgSessionSeconds() {
    return Rates.avgSessionSeconds(durationMillis, sessions);
  }

  double avgTimePerVisitorSeconds() {
    return Rates.avgTimePerVisitorSeconds(durationMillis, visitorCount());
  }

  double bounceRate() {
    return Rates.bounceRate(bounces, sessions);
  }

  /** The counts the query API's metrics are computed from (no exits: the rollups hold none per page here). */
  Figures figures() {
    return new Figures(pageviews, visitorCount(), sessions, durationMillis, bounces, 0);
  }
}
