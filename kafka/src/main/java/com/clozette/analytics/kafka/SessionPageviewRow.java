package com.clozette.analytics.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One row of the session pageviews topic: a counted pageview seen with its session's attributes and
 * figures, so that a filter on pageviews may name both (the query API's rule). A session's rows are
 * written ({@code sign = +1}) once it is over, and written again with {@code sign = -1} when a later
 * or late event changes it, then published anew once the changed session is over: summed over
 * {@code sign}, each pageview of a published session counts once, with its session's current values.
 *
 * @param ts the pageview's own time, epoch millis
 * @param path the pageview's own page
 * @param sessionStart the session's first event time: the {@code ts} of its {@link SessionRow}
 * @param durationMs the session's last event time minus its first
 * @param sessionPageviews how many pageviews the session holds
 * @param entry the page of the session's first pageview; this and every value after it exactly the session row's
 * @param exit the page of the session's last pageview
 */
public record SessionPageviewRow(long ts, String site, String vid, int sign, String path, long sessionStart, long durationMs,
    long sessionPageviews, String entry, String exit, String platform, String refHost, String utmSource, String device,
    String browser, String os) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The row of the pageview at {@code ts} on {@code path} of {@code session}, with the given sign. */
  static SessionPageviewRow of(SessionRow session, long ts, String path, int sign) {
    return new SessionPageviewRow(ts, session.site(), session.vid(), sign, path, session.ts(), session.durationMs(), session.pageviews(),
        session.entry(), session.exit(), session.platform(), session.refHost(), session.utmSource(), session.device(),
        session.browser(), session.os());
  }

  SessionPageviewRow withSign(int newSign) {
    return new SessionPageviewRow(ts, site, vid, newSign, path, sessionStart, durationMs, sessionPageviews, entry, exit, platform,
        refHost, utmSource, device, browser, os);
  }

  byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SessionPageviewRow fromJson(byte[] json) {
    try {
      return JSON.readValue(json, SessionPageviewRow.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
