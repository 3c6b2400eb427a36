package com.clozette.analytics.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One row of the sessions topic. A session is written with {@code sign = +1}; when a later or late
 * event changes it, the same row is written again with {@code sign = -1} and the new session with
 * {@code +1} (the collapsing technique), so that sums over {@code sign} in Druid are exact at any
 * moment: {@code SUM(sign)} sessions, {@code SUM(sign * durationMs)} total duration,
 * {@code SUM(sign * bounce)} bounces, {@code SUM(sign)} by entry or exit page.
 *
 * @param ts the session's first event time, epoch millis: the session belongs to the range holding it
 * @param durationMs last event time minus first event time
 * @param bounce 1 when the session has exactly one pageview, else 0
 * @param entry the page of its first pageview
 * @param exit the page of its last pageview
 */
public record SessionRow(long ts, String site, String vid, int sign, long end, long durationMs, int events, int pageviews,
    int bounce, String entry, String exit) {
  private static final ObjectMapper JSON = new ObjectMapper();

  SessionRow withSign(int newSign) {
    return new SessionRow(ts, site, vid, newSign, end, durationMs, events, pageviews, bounce, entry, exit);
  }

  byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SessionRow fromJson(byte[] json) {
    try {
      return JSON.readValue(json, SessionRow.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
