package com.clozette.analytics.aggregator.export;

import com.clozette.analytics.aggregator.report.Results;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The exports' small-cell rule for whole days, written once for the daily and the page export: a
 * day whose figures are those of fewer than k members (some visitors but fewer than k, or some
 * sessions started but fewer than k) is shown in neither, since its pageviews, session lengths and
 * bounces would be those few members'. The stores fold rare pages of the other days into
 * {@code (other)} with the same k.
 */
final class SmallCells {
  private SmallCells() {}

  static boolean isSmallDay(Results.Bucket day, int k) {
    return k > 1 && ((day.visitors() > 0 && day.visitors() < k) || (day.sessions() > 0 && day.sessions() < k));
  }

  /** The local dates ({@code 2026-11-04}) of the small days of a daily series. */
  static Set<String> smallDays(Results.TimeSeries days, ZoneId zone, int k) {
    return days.buckets().stream().filter(day -> isSmallDay(day, k)).map(day -> localDate(day, zone)).collect(Collectors.toSet());
  }

  static String localDate(Results.Bucket day, ZoneId zone) {
    return Instant.parse(day.start()).atZone(zone).toLocalDate().toString();
  }
}
