package com.clozette.analytics.aggregator.store;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * Keeps the sessions table, and the hourly session rollups, equal to what sessionising all stored
 * events from scratch would give, touching only the visitors of the batch just stored and only
 * around the times of its events.
 *
 * <p>Why this is exact: sessions of one visitor are separated by gaps of more than the session gap.
 * A new event at time t can only change runs that end at or after t - gap and start at or before
 * t + gap. Those runs are deleted and their whole span, widened to the new events, is rebuilt from
 * the stored events: any other run is more than a gap away from everything rebuilt, so it stands.
 * The hourly and daily rollups get the rebuilt runs added and the deleted runs subtracted.
 */
final class Sessionizer {
  private final long gap;

  Sessionizer(long gapMillis) {
    this.gap = gapMillis;
  }

  /** Runs inside the writer's transaction, after the batch's new events went into fresh_events. */
  void resessionise(Statement sql) throws SQLException {
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE touched AS
        SELECT site, vid, min(ts) AS lo, max(ts) AS hi FROM fresh_events WHERE NOT bot GROUP BY site, vid""");
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE stale AS
        SELECT s.* FROM sessions s JOIN touched t ON s.site = t.site AND s.vid = t.vid
        WHERE s.end_ts >= t.lo - %1$d AND s.start_ts <= t.hi + %1$d
          -- The same bounds for the whole batch: lets DuckDB skip row groups of older sessions.
          AND s.end_ts >= (SELECT min(lo) FROM touched) - %1$d AND s.start_ts <= (SELECT max(hi) FROM touched) + %1$d""".formatted(gap));
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE span AS
        SELECT t.site, t.vid, least(t.lo, coalesce(min(s.start_ts), t.lo)) AS lo, greatest(t.hi, coalesce(max(s.end_ts), t.hi)) AS hi
        FROM touched t LEFT JOIN stale s ON s.site = t.site AND s.vid = t.vid
        GROUP BY t.site, t.vid, t.lo, t.hi""");
    sql.execute("""
        DELETE FROM sessions USING stale
        WHERE sessions.site = stale.site AND sessions.vid = stale.vid AND sessions.start_ts = stale.start_ts""");
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE rebuilt AS
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
        SELECT site, vid, min(ts) AS start_ts, max(ts) AS end_ts, count(*)::INTEGER AS events,
          (count(*) FILTER (WHERE type = 'pageview'))::INTEGER AS pageviews,
          first(path ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS entry_path,
          last(path ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS exit_path,
          first(platform ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS platform,
          first(ref_host ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS ref_host,
          first(utm_source ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS utm_source,
          first(device ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS device,
          first(browser ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS browser,
          first(os ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS os
        FROM numbered GROUP BY site, vid, run""".formatted(gap));
    sql.execute("INSERT INTO sessions SELECT * FROM rebuilt");
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE session_changes AS
        SELECT 1 AS sign, * FROM rebuilt WHERE pageviews > 0
        UNION ALL
        SELECT -1 AS sign, * FROM stale WHERE pageviews > 0""");
    for (Grain grain : Grain.values()) {
      sql.execute("""
          INSERT INTO %s
          SELECT site, start_ts // %d, sum(sign), sum(sign * (end_ts - start_ts)), coalesce(sum(sign) FILTER (WHERE pageviews = 1), 0)
          FROM session_changes GROUP BY ALL
          ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions, duration_ms = duration_ms + excluded.duration_ms,
            bounces = bounces + excluded.bounces""".formatted(grain.table("session"), grain.millis));
      for (String end : new String[] {"entry", "exit"}) {
        sql.execute("""
            INSERT INTO %s
            SELECT site, start_ts // %d, %s_path, sum(sign) FROM session_changes GROUP BY ALL HAVING sum(sign) <> 0
            ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions""".formatted(grain.table(end), grain.millis, end));
      }
    }
  }
}
