package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.session.SessionRule;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Moves a batch into the events table and keeps the sessions table, the hourly and daily session
 * rollups and each event's {@code session_start} equal to what sessionising all stored events from
 * scratch would give, from the batch and the stored session rows alone: the stored events are not
 * read, so a long session (a bot past the filter, one visitor id on every beacon) costs a batch no
 * more than a short one, in whatever order its events arrive.
 *
 * <p>The rule is {@link SessionRule}'s. Why this is exact: a session is a run of a visitor's counted events with no gap over the
 * session gap, so inside its span [start, end] there is no such gap either. Sessionising a visitor's
 * stored events plus the batch's is then the same as merging intervals: the stored sessions (each
 * its span) and the batch's events (each a point), in order of start, a new session wherever an
 * interval starts more than the gap after the furthest end before it. Only stored sessions within a
 * gap of the batch's events ("stale") can merge with anything new; every other stays as it is. A
 * merged session's counts are sums, and its entry and exit are its members' first and last pageview
 * by (time, id), which each session row keeps ({@code entry_ts, entry_id, exit_ts, exit_id}) beside
 * the entry pageview's attributes. The rollups get the new sessions added and the stale ones
 * subtracted. When a stored session joins one that starts earlier (an event arrived late), its
 * stored events get the new start: the one statement that reads events, bounded by that session's span.
 */
final class Sessionizer {
  private final SessionRule rule;

  Sessionizer(SessionRule rule) {
    this.rule = rule;
  }

  /** Runs inside the writer's transaction, with the batch's new events in fresh_events. */
  void sessionise(Statement sql) throws SQLException {
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE touched AS
        SELECT site, vid, min(ts) AS lo, max(ts) AS hi FROM fresh_events WHERE NOT bot GROUP BY site, vid""");
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE stale AS
        SELECT s.* FROM sessions s JOIN touched t ON s.site = t.site AND s.vid = t.vid
        WHERE s.end_ts >= %s AND s.start_ts <= %s
          -- The same bounds for the whole batch: lets DuckDB skip row groups of older sessions.
          AND s.end_ts >= %s AND s.start_ts <= %s""".formatted(rule.earliestJoinableEndSql("t.lo"), rule.latestJoinableStartSql("t.hi"),
        rule.earliestJoinableEndSql("(SELECT min(lo) FROM touched)"), rule.latestJoinableStartSql("(SELECT max(hi) FROM touched)")));
    mergeIntervals(sql);
    sql.execute("""
        INSERT INTO events SELECT f.* REPLACE (m.session_start AS session_start)
        FROM fresh_events f LEFT JOIN merged m ON m.key_high = f.key_high AND m.key_low = f.key_low""");
    if (anyMoved(sql)) {
      sql.execute("""
          UPDATE events SET session_start = m.session_start FROM moved m
          WHERE events.site = m.site AND events.vid = m.vid AND events.session_start = m.old_start
            AND events.ts BETWEEN m.old_start AND m.old_end
            AND events.ts BETWEEN (SELECT min(old_start) FROM moved) AND (SELECT max(old_end) FROM moved)""");
    }
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE span AS
        SELECT t.site, t.vid, least(t.lo, coalesce(min(s.start_ts), t.lo)) AS lo, greatest(t.hi, coalesce(max(s.end_ts), t.hi)) AS hi
        FROM touched t LEFT JOIN stale s ON s.site = t.site AND s.vid = t.vid
        GROUP BY t.site, t.vid, t.lo, t.hi""");
    sql.execute("""
        DELETE FROM sessions USING stale
        WHERE sessions.site = stale.site AND sessions.vid = stale.vid AND sessions.start_ts = stale.start_ts""");
    sql.execute("INSERT INTO sessions SELECT * FROM rebuilt");
    updateRollups(sql);
  }

  /**
   * The batch's counted events as points and the stale sessions as spans, merged per visitor:
   * {@code merged} gives each its session's start, {@code rebuilt} the sessions, {@code moved} the
   * stale sessions that now start earlier.
   */
  private void mergeIntervals(Statement sql) throws SQLException {
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE merged AS
        WITH items AS (
          SELECT site, vid, ts AS start_ts, ts AS end_ts, 1 AS events, (type = 'pageview')::INTEGER AS pageviews,
            path AS entry_path, path AS exit_path, platform, ref_host, utm_source, device, browser, os,
            ts AS entry_ts, id AS entry_id, ts AS exit_ts, id AS exit_id, key_high, key_low, NULL::BIGINT AS old_start, id AS tie
          FROM fresh_events WHERE NOT bot
          UNION ALL
          SELECT site, vid, start_ts, end_ts, events, pageviews, entry_path, exit_path, platform, ref_host, utm_source, device,
            browser, os, entry_ts, entry_id, exit_ts, exit_id, NULL, NULL, start_ts, ''
          FROM stale
        ), marked AS (
          SELECT *, coalesce(%s, true) AS starts_session
          FROM items
        )
        -- The same total order in both windows (ties of start and end broken by event id, a stored
        -- session first), so the item that starts a session is the first of it in both.
        SELECT *, max(CASE WHEN starts_session THEN start_ts END)
          OVER (PARTITION BY site, vid ORDER BY start_ts, end_ts, tie ROWS UNBOUNDED PRECEDING) AS session_start
        FROM marked""".formatted(rule.startsNewSql(
        "max(end_ts) OVER (PARTITION BY site, vid ORDER BY start_ts, end_ts, tie ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)", "start_ts")));
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE rebuilt AS
        SELECT site, vid, session_start AS start_ts, max(end_ts) AS end_ts, sum(events)::INTEGER AS events,
          sum(pageviews)::INTEGER AS pageviews,
          first(entry_path ORDER BY entry_ts, entry_id) FILTER (WHERE pageviews > 0) AS entry_path,
          last(exit_path ORDER BY exit_ts, exit_id) FILTER (WHERE pageviews > 0) AS exit_path,
          first(platform ORDER BY entry_ts, entry_id) FILTER (WHERE pageviews > 0) AS platform,
          first(ref_host ORDER BY entry_ts, entry_id) FILTER (WHERE pageviews > 0) AS ref_host,
          first(utm_source ORDER BY entry_ts, entry_id) FILTER (WHERE pageviews > 0) AS utm_source,
          first(device ORDER BY entry_ts, entry_id) FILTER (WHERE pageviews > 0) AS device,
          first(browser ORDER BY entry_ts, entry_id) FILTER (WHERE pageviews > 0) AS browser,
          first(os ORDER BY entry_ts, entry_id) FILTER (WHERE pageviews > 0) AS os,
          min(entry_ts) FILTER (WHERE pageviews > 0) AS entry_ts,
          first(entry_id ORDER BY entry_ts, entry_id) FILTER (WHERE pageviews > 0) AS entry_id,
          max(exit_ts) FILTER (WHERE pageviews > 0) AS exit_ts,
          last(exit_id ORDER BY exit_ts, exit_id) FILTER (WHERE pageviews > 0) AS exit_id
        FROM merged GROUP BY site, vid, session_start""");
    sql.execute("""
        CREATE OR REPLACE TEMP TABLE moved AS
        SELECT site, vid, old_start, end_ts AS old_end, session_start FROM merged
        WHERE old_start IS NOT NULL AND old_start <> session_start""");
  }

  private static boolean anyMoved(Statement sql) throws SQLException {
    try (ResultSet row = sql.executeQuery("SELECT count(*) FROM moved")) {
      row.next();
      return row.getLong(1) > 0;
    }
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
