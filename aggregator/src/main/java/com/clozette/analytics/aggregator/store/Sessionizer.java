package com.clozette.analytics.aggregator.store;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * Keeps the sessions table equal to what sessionising all stored events from scratch would give,
 * touching only the visitors in the batch just stored and only around the times of its events.
 *
 * <p>Why this is exact: sessions of one visitor are separated by gaps of more than the session gap.
 * A new event at time t can only change runs that end at or after t - gap and start at or before
 * t + gap. Those runs are deleted and their whole span, widened to the new events, is rebuilt from
 * the stored events: any other run is more than a gap away from everything rebuilt, so it stands.
 */
final class Sessionizer {
  private final long gap;

  Sessionizer(long gapMillis) {
    this.gap = gapMillis;
  }

  /** Runs inside the writer's transaction, after the staged batch was inserted into events. */
  void resessionise(Statement sql) throws SQLException {
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE touched AS
        SELECT site, vid, min(ts) AS lo, max(ts) AS hi FROM staged WHERE NOT bot GROUP BY site, vid""");
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE stale AS
        SELECT s.site, s.vid, s.start_ts, s.end_ts FROM sessions s JOIN touched t ON s.site = t.site AND s.vid = t.vid
        WHERE s.end_ts >= t.lo - %d AND s.start_ts <= t.hi + %d""".formatted(gap, gap));
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE span AS
        SELECT t.site, t.vid, least(t.lo, coalesce(min(s.start_ts), t.lo)) AS lo, greatest(t.hi, coalesce(max(s.end_ts), t.hi)) AS hi
        FROM touched t LEFT JOIN stale s ON s.site = t.site AND s.vid = t.vid
        GROUP BY t.site, t.vid, t.lo, t.hi""");
    sql.execute("""
        DELETE FROM sessions USING stale
        WHERE sessions.site = stale.site AND sessions.vid = stale.vid AND sessions.start_ts = stale.start_ts""");
    sql.execute("""
        INSERT INTO sessions
        WITH counted AS (
          SELECT e.site, e.vid, e.ts, e.id, e.type, e.path, e.platform, e.ref_host, e.utm_source, e.device, e.browser, e.os
          FROM events e JOIN span p ON e.site = p.site AND e.vid = p.vid AND e.ts BETWEEN p.lo AND p.hi
          WHERE NOT e.bot AND e.ts BETWEEN (SELECT min(lo) FROM span) AND (SELECT max(hi) FROM span)
        ), marked AS (
          SELECT *, CASE WHEN ts - lag(ts) OVER visit > %d OR lag(ts) OVER visit IS NULL THEN 1 ELSE 0 END AS starts_run
          FROM counted WINDOW visit AS (PARTITION BY site, vid ORDER BY ts, id)
        ), numbered AS (
          SELECT *, sum(starts_run) OVER (PARTITION BY site, vid ORDER BY ts, id ROWS UNBOUNDED PRECEDING) AS run
          FROM marked
        )
        SELECT site, vid, min(ts), max(ts), count(*)::INTEGER,
          (count(*) FILTER (WHERE type = 'pageview'))::INTEGER,
          first(path ORDER BY ts, id) FILTER (WHERE type = 'pageview'),
          last(path ORDER BY ts, id) FILTER (WHERE type = 'pageview'),
          first(platform ORDER BY ts, id) FILTER (WHERE type = 'pageview'),
          first(ref_host ORDER BY ts, id) FILTER (WHERE type = 'pageview'),
          first(utm_source ORDER BY ts, id) FILTER (WHERE type = 'pageview'),
          first(device ORDER BY ts, id) FILTER (WHERE type = 'pageview'),
          first(browser ORDER BY ts, id) FILTER (WHERE type = 'pageview'),
          first(os ORDER BY ts, id) FILTER (WHERE type = 'pageview')
        FROM numbered GROUP BY site, vid, run""".formatted(gap));
  }
}
