package com.clozette.analytics.collector.ingest;

import java.time.Duration;

/**
 * The time of an event: the collector's receive time, moved back by how long the device held the
 * event (send time minus creation time, both on the device's clock, so its skew cancels out).
 */
final class EventTime {
  static final long MAX_AGE_MILLIS = Duration.ofDays(7).toMillis();

  private EventTime() {}

  /**
   * @param created the device's creation time of the event, or null when it was sent at once
   * @param sent the device's send time; required when {@code created} is given
   * @return an event time in [receivedAt - 7 days, receivedAt]: never in the future, however wrong
   *     the two device times are
   */
  static long of(long receivedAt, Long created, Long sent) {
    if (created == null) {
      return receivedAt;
    }
    long held = Math.max(0, Math.min(MAX_AGE_MILLIS, sent - created));
    return receivedAt - held;
  }
}
