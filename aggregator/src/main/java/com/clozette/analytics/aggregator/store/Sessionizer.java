package com.clozette.analytics.aggregator.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Moves a batch into the events table and keeps the sessions table, the hourly and daily session
 * rollups and each event's {@code session_start} equal to what sessionising all stored events from
 * scratch would give, touching only the visitors of the batch and, for nearly all of them, only
 * their latest session.
 *
 * <p>Why this is exact: sessions of one visitor are separated by gaps of more than the session gap.
 * A new event at time t can only change runs that end at or after t - gap and start at or before
 * t + gap ("stale" runs). Two paths:
 * <ul>
 *   <li><b>Appending</b> (live traffic, imports in time order): every batch event of the visitor is
 *   later than the end of each of its stored runs. Then at most one run is stale, the latest (two
 *   runs ending after t - gap would be less than a gap apart), and the batch's first event continues
 *   it. The new runs follow from that run's own row and the batch's events alone: the stored events
 *   are not read, so a long session costs no more than a short one.
 *   <li><b>Late</b> (an event at or before the end of a stored run): the stale runs are deleted and
 *   their whole span, widened to the batch's events, is rebuilt from the stored events, and those
 *   events get their session again. Any other run is more than a gap away from everything rebuilt,
 *   so it stands.
 * </ul>
 * Either way the rollups get the new runs added and the stale runs subtracted.
 */
final class Sessionizer {
  private final long gap;

  Sessionizer(long gapMillis) {
    this.gap = gapMillis;
  }

  /** Runs inside the writer's transaction, with the batch's new events in fresh_events. */
  void sessionise(Statement sql) throws SQLException {
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
        CREATE OR REPLACE TEMP TABLE late AS
        SELECT DISTINCT t.site, t.vid, t.lo, t.hi FROM touched t JOIN stale s ON s.site = t.site AND s.vid = t.vid WHERE t.lo <= s.end_ts""");
    appendRuns(sql);
    sql.execute("""
        INSERT INTO events SELECT f.* REPLACE (r.session_start AS session_start)
        FROM fresh_events f LEFT JOIN appended_events r ON r.key_high = f.key_high AND r.key_low = f.key_low""");
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE span AS
        SELECT t.site, t.vid, least(t.lo, coalesce(min(s.start_ts), t.lo)) AS lo, greatest(t.hi, coalesce(max(s.end_ts), t.hi)) AS hi
        FROM touched t LEFT JOIN stale s ON s.site = t.site AND s.vid = t.vid
        GROUP BY t.site, t.vid, t.lo, t.hi""");
    if (anyLate(sql)) {
      rebuildLate(sql);
    } else {
      sql.execute("CREATE OR REPLACE TEMP TABLE rebuilt AS SELECT * FROM appended");
    }
    sql.execute("""
        DELETE FROM sessions USING stale
        WHERE sessions.site = stale.site AND sessions.vid = stale.vid AND sessions.start_ts = stale.start_ts""");
    sql.execute("INSERT INTO sessions SELECT * FROM rebuilt");
    updateRollups(sql);
  }

  /**
   * The runs of the appending visitors: their batch events in order, led by their stale run (if any)
   * as one row standing for all its events, with its start, counts and first and last pageview.
   * {@code appended_events} gives each batch event its run's start; {@code appended} the runs.
   */
  private void appendRuns(Statement sql) throws SQLException {
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE appended_events AS
        WITH led AS (
          SELECT f.site, f.vid, f.ts, f.id, f.ts AS start, 1 AS events, (f.type = 'pageview')::INTEGER AS pageviews,
            f.path AS entry_path, f.path AS exit_path, f.platform, f.ref_host, f.utm_source, f.device, f.browser, f.os,
            f.key_high, f.key_low
          FROM fresh_events f ANTI JOIN late l ON l.site = f.site AND l.vid = f.vid WHERE NOT f.bot
          UNION ALL
          SELECT s.site, s.vid, s.end_ts, '', s.start_ts, s.events, s.pageviews, s.entry_path, s.exit_path, s.platform, s.ref_host,
            s.utm_source, s.device, s.browser, s.os, NULL, NULL
          FROM stale s ANTI JOIN late l ON l.site = s.site AND l.vid = s.vid
        ), marked AS (
          SELECT *, CASE WHEN ts - lag(ts) OVER visit > %d OR lag(ts) OVER visit IS NULL THEN 1 ELSE 0 END AS starts_run
          FROM led WINDOW visit AS (PARTITION BY site, vid ORDER BY ts, id)
        ), numbered AS (
          SELECT *, sum(starts_run) OVER (PARTITION BY site, vid ORDER BY ts, id ROWS UNBOUNDED PRECEDING) AS run FROM marked
        )
        SELECT *, min(start) OVER (PARTITION BY site, vid, run) AS session_start FROM numbered""".formatted(gap));
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE appended AS
        SELECT site, vid, min(start) AS start_ts, max(ts) AS end_ts, sum(events)::INTEGER AS events,
          sum(pageviews)::INTEGER AS pageviews,
          first(entry_path ORDER BY ts, id) FILTER (WHERE pageviews > 0) AS entry_path,
          last(exit_path ORDER BY ts, id) FILTER (WHERE pageviews > 0) AS exit_path,
          first(platform ORDER BY ts, id) FILTER (WHERE pageviews > 0) AS platform,
          first(ref_host ORDER BY ts, id) FILTER (WHERE pageviews > 0) AS ref_host,
          first(utm_source ORDER BY ts, id) FILTER (WHERE pageviews > 0) AS utm_source,
          first(device ORDER BY ts, id) FILTER (WHERE pageviews > 0) AS device,
          first(browser ORDER BY ts, id) FILTER (WHERE pageviews > 0) AS browser,
          first(os ORDER BY ts, id) FILTER (WHERE pageviews > 0) AS os
        FROM appended_events GROUP BY site, vid, run""");
  }

  private static boolean anyLate(Statement sql) throws SQLException {
    try (ResultSet row = sql.executeQuery("SELECT count(*) FROM late")) {
      row.next();
      return row.getLong(1) > 0;
    }
  }

  /** The late visitors' spans rebuilt from the stored events (the batch's included), which get their sessions again. */
  private void rebuildLate(Statement sql) throws SQLException {
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE late_span AS
        SELECT p.* FROM span p SEMI JOIN late l ON l.site = p.site AND l.vid = p.vid""");
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE late_events AS
        WITH counted AS (
          SELECT e.rowid AS event_row, e.site, e.vid, e.ts, e.id, e.type, e.path, e.platform, e.ref_host, e.utm_source, e.device,
            e.browser, e.os
          FROM events e JOIN late_span p ON e.site = p.site AND e.vid = p.vid AND e.ts BETWEEN p.lo AND p.hi
          WHERE NOT e.bot AND e.ts BETWEEN (SELECT min(lo) FROM late_span) AND (SELECT max(hi) FROM late_span)
        ), marked AS (
          SELECT *, CASE WHEN ts - lag(ts) OVER visit > %d OR lag(ts) OVER visit IS NULL THEN 1 ELSE 0 END AS starts_run
          FROM counted WINDOW visit AS (PARTITION BY site, vid ORDER BY ts, id)
        ), numbered AS (
          SELECT *, sum(starts_run) OVER (PARTITION BY site, vid ORDER BY ts, id ROWS UNBOUNDED PRECEDING) AS run FROM marked
        )
        SELECT *, min(ts) OVER (PARTITION BY site, vid, run) AS session_start FROM numbered""".formatted(gap));
    sql.execute("""
        UPDATE events SET session_start = l.session_start FROM late_events l
        WHERE events.rowid = l.event_row AND events.session_start IS DISTINCT FROM l.session_start""");
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE rebuilt AS
        SELECT * FROM appended
        UNION ALL
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
        FROM late_events GROUP BY site, vid, run""");
  }

  private void updateRollups(Statement sql) throws SQLException {
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
