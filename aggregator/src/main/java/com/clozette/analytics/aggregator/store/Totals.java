package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.report.Report;
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
    return sessions == 0 ? 0.0 : Report.round6(durationMillis / 1000.0 / sessions);
  }

  double avgTimePerVisitorSeconds() {
    long visitorCount = visitorCount();
    return visitorCount == 0 ? 0.0 : Report.round6(durationMillis / 1000.0 / visitorCount);
  }

  double bounceRate() {
    return sessions == 0 ? 0.0 : Report.round6((double) bounces / sessions);
  }
}
