package com.clozette.analytics.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One row of the sessions topic. A session is written with {@code sign = +1}; when a later or late
 * event changes it, the same row is written again with {@code sign = -1} and the new session with
 * {@code +1} (the collapsing technique), so that sums over {@code sign} in Druid are exact at any
 * moment: {@code SUM(sign)} sessions, {@code SUM(sign * durationMs)} total duration,
 * {@code SUM(sign * bounce)} bounces, {@code SUM(sign)} by entry or exit page or by any of the
 * session's first-pageview dimensions.
 *
 * @param ts the session's first event time, epoch millis: the session belongs to the range holding it
 * @param durationMs last event time minus first event time
 * @param bounce 1 when the session has exactly one pageview, else 0
 * @param entry the page of its first pageview
 * @param exit the page of its last pageview
 * @param platform the platform of its first pageview, like the embedded store's sessions
 * @param refHost the referrer host of its first pageview, '(direct)' when it has none
 * @param utmSource the {@code utm_source} of its first pageview's URL, '(none)' when it has none
 * @param device the device of its first pageview, 'Unknown' when not classified
 * @param browser the browser of its first pageview, 'Unknown' when not classified
 * @param os the operating system of its first pageview, 'Unknown' when not classified
 * @param firstViewTs the time of the visitor's first pageview ever when this session holds it, else 0:
 *     new visitors of a range are those whose surviving row has it in the range (RULES.md's "new")
 */
public record SessionRow(long ts, String site, String vid, int sign, long end, long durationMs, int events, int pageviews,
    int bounce, String entry, String exit, String platform, String refHost, String utmSource, String device, String browser,
    String os, long firstViewTs) {
  private static final ObjectMapper JSON = new ObjectMapper();

  SessionRow withSign(int newSign) {
    return new SessionRow(ts, site, vid, newSign, end, durationMs, events, pageviews, bounce, entry, exit, platform, refHost,
        utmSource, device, browser, os, firstViewTs);
  }

  SessionRow withFirstViewTs(long newFirstViewTs) {
    return new SessionRow(ts, site, vid, sign, end, durationMs, events, pageviews, bounce, entry, exit, platform, refHost,
        utmSource, device, browser, os, newFirstViewTs);
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
