package com.clozette.analytics.aggregator.store;

import java.util.List;

/**
 * The DuckDB tables. Times are epoch milliseconds (BIGINT); {@code hour} is epoch hours (ts / 3.6e6).
 *
 * <p>Three layers: the detail ({@code events}, and {@code sessions} materialised from them), hourly
 * rollups kept exactly in step with the detail in the same transaction, and per-hour visitor sets
 * (RoaringBitmaps of dictionary-encoded visitor ids) for exact unique visitors over any union of
 * hours. A report over [from, to) reads the rollups for the whole hours inside it and the detail for
 * the partial hours at its edges, so its cost does not grow with the number of events in range.
 */
final class Schema {
  private Schema() {}

  /**
   * The columns of a stored event: what it says, its visitor's number, the batch that stored it, and
   * the 128-bit key of (site, id) that de-duplication is done with (in memory for recent event times, see
   * {@link RecentEventKeys}, by a join on time and key for older ones: an index over random ids costs
   * DuckDB ten microseconds an insert and ever slower checkpoints).
   * {@code bot_source} (the rule that flagged a bot, null for a person) and {@code session_start} (the
   * start of the session holding the event, null for a bot: what a query joins an event to its session
   * by) are last: older stores get them appended by {@link #UPGRADES}, and batches are copied by position.
   */
  static final String EVENT_COLUMNS = """
      site VARCHAR NOT NULL, id VARCHAR NOT NULL, type VARCHAR NOT NULL, ts BIGINT NOT NULL, vid VARCHAR NOT NULL,
      path VARCHAR, ref_host VARCHAR, utm_source VARCHAR, utm_medium VARCHAR, utm_campaign VARCHAR,
      platform VARCHAR NOT NULL, name VARCHAR, props VARCHAR, bot BOOLEAN NOT NULL, device VARCHAR, browser VARCHAR, os VARCHAR,
      vnum INTEGER NOT NULL, batch BIGINT NOT NULL, key_high BIGINT NOT NULL, key_low BIGINT NOT NULL, bot_source VARCHAR,
      session_start BIGINT""";

  /**
   * A session's first and last pageview by (time, id), null without pageviews: what a session joined
   * with others or with new events takes its entry and exit from without reading its events. Last, as
   * version 4 stores get them appended by {@link #UPGRADES}.
   */
  static final String SESSION_ENDS = "entry_ts BIGINT, entry_id VARCHAR, exit_ts BIGINT, exit_id VARCHAR";

  static final String VISITOR_COLUMNS = """
      site VARCHAR NOT NULL, vid VARCHAR NOT NULL, num INTEGER NOT NULL, key_high BIGINT NOT NULL, key_low BIGINT NOT NULL,
      batch BIGINT NOT NULL""";

  /**
   * Bumped whenever a table changes shape; a store file of another version is refused at open
   * (an older build opening a newer store would misread it), unless an upgrade from it is below.
   */
  static final int VERSION = 6;

  /**
   * DuckDB checkpoints when the WAL passes this size (default 16 MB). Checkpoints cost far more
   * than the rows they write: at 16 MB a 1M-event import (183 MB of WAL) checkpointed about eleven
   * times, its commits took 8 us an event and it ran 1.4x as long as with one checkpoint at close
   * (1.2 s). The price is a longer WAL replay when the store is opened after a crash: 4 s for a
   * 236 MB WAL (BENCHMARKS.md).
   */
  static final String CHECKPOINT_THRESHOLD = "SET checkpoint_threshold = '256MB'";

  static final String CREATE_META = "CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)";
  static final String READ_VERSION = "SELECT value FROM store_meta WHERE key = 'schema_version'";
  static final String WRITE_VERSION = "INSERT INTO store_meta VALUES ('schema_version', '" + VERSION + "')";
  static final String COUNT_TABLES = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'events'";

  /**
   * How a store of an older version becomes the next one, by the version it has. Version 3 stores were
   * made before bots were traced to a rule: their events keep a null source. Version 4 stores were made
   * before events knew their session: each counted event gets the start of the latest session of its
   * visitor starting at or before it (sessions cover every counted event and never overlap), and each
   * session its first and last pageview. Version 5 stores kept when batches arrived, which the
   * de-duplication window no longer counts from (it counts event time).
   */
  static final java.util.Map<String, List<String>> UPGRADES = java.util.Map.of(
      "3", List.of(
          "ALTER TABLE events ADD COLUMN IF NOT EXISTS bot_source VARCHAR",
          "UPDATE store_meta SET value = '4' WHERE key = 'schema_version'"),
      "4", List.of(
          "ALTER TABLE events ADD COLUMN IF NOT EXISTS session_start BIGINT",
          """
          UPDATE events SET session_start = held.start_ts FROM (
            SELECT e.rowid AS event_row, s.start_ts FROM (SELECT rowid, site, vid, ts FROM events WHERE NOT bot) e
            ASOF JOIN sessions s ON s.site = e.site AND s.vid = e.vid AND e.ts >= s.start_ts) held
          WHERE events.rowid = held.event_row""",
          "ALTER TABLE sessions ADD COLUMN IF NOT EXISTS entry_ts BIGINT",
          "ALTER TABLE sessions ADD COLUMN IF NOT EXISTS entry_id VARCHAR",
          "ALTER TABLE sessions ADD COLUMN IF NOT EXISTS exit_ts BIGINT",
          "ALTER TABLE sessions ADD COLUMN IF NOT EXISTS exit_id VARCHAR",
          """
          UPDATE sessions SET entry_ts = v.entry_ts, entry_id = v.entry_id, exit_ts = v.exit_ts, exit_id = v.exit_id FROM (
            SELECT site, vid, session_start, min(ts) AS entry_ts, first(id ORDER BY ts, id) AS entry_id, max(ts) AS exit_ts,
              last(id ORDER BY ts, id) AS exit_id
            FROM events WHERE type = 'pageview' AND NOT bot GROUP BY site, vid, session_start) v
          WHERE sessions.site = v.site AND sessions.vid = v.vid AND sessions.start_ts = v.session_start""",
          "UPDATE store_meta SET value = '5' WHERE key = 'schema_version'"),
      "5", List.of(
          "DROP TABLE IF EXISTS batch_arrivals",
          "UPDATE store_meta SET value = '6' WHERE key = 'schema_version'"));

  static final List<String> DDL = ddl();

  private static List<String> ddl() {
    List<String> ddl = new java.util.ArrayList<>(List.of(
      "CREATE TABLE IF NOT EXISTS events (" + EVENT_COLUMNS + ")",
      // first_seen: the visitor's first counted pageview ever, for new vs returning visitors.
      "CREATE TABLE IF NOT EXISTS visitor_numbers (" + VISITOR_COLUMNS + ", first_seen BIGINT)",
      // Scratch tables of versions before the batch went to temp tables (see BATCH_TABLES).
      "DROP TABLE IF EXISTS staged_events",
      "DROP TABLE IF EXISTS staged_visitors",
      // One row per run of a visitor's counted events with no gap over the session gap. A run
      // without a pageview is kept (it still joins or splits runs when events arrive late) but is
      // not a session: reports and rollups count only runs with pageviews > 0.
      """
      CREATE TABLE IF NOT EXISTS sessions (
        site VARCHAR NOT NULL, vid VARCHAR NOT NULL, start_ts BIGINT NOT NULL, end_ts BIGINT NOT NULL,
        events INTEGER NOT NULL, pageviews INTEGER NOT NULL, entry_path VARCHAR, exit_path VARCHAR,
        platform VARCHAR, ref_host VARCHAR, utm_source VARCHAR, device VARCHAR, browser VARCHAR, os VARCHAR,
        """ + SESSION_ENDS + ")",
      "CREATE TABLE IF NOT EXISTS loader_position (log VARCHAR PRIMARY KEY, segment BIGINT NOT NULL, log_offset BIGINT NOT NULL)"));
    for (Grain grain : Grain.values()) {
      ddl.add("CREATE TABLE IF NOT EXISTS %s (site VARCHAR NOT NULL, bucket BIGINT NOT NULL, path VARCHAR NOT NULL, pageviews BIGINT NOT NULL, PRIMARY KEY (site, bucket, path))"
          .formatted(grain.table("page")));
      ddl.add("CREATE TABLE IF NOT EXISTS %s (site VARCHAR NOT NULL, bucket BIGINT NOT NULL, sessions BIGINT NOT NULL, duration_ms BIGINT NOT NULL, bounces BIGINT NOT NULL, PRIMARY KEY (site, bucket))"
          .formatted(grain.table("session")));
      for (String end : List.of("entry", "exit")) {
        ddl.add("CREATE TABLE IF NOT EXISTS %s (site VARCHAR NOT NULL, bucket BIGINT NOT NULL, path VARCHAR NOT NULL, sessions BIGINT NOT NULL, PRIMARY KEY (site, bucket, path))"
            .formatted(grain.table(end)));
      }
      ddl.add("CREATE TABLE IF NOT EXISTS %s (site VARCHAR NOT NULL, bucket BIGINT NOT NULL, visitors BLOB NOT NULL, PRIMARY KEY (site, bucket))"
          .formatted(grain.table("visitor")));
    }
    return List.copyOf(ddl);
  }

  /**
   * The batch being stored, on the writer's connection only. DuckDB's appender joins the
   * connection's transaction only when one is open, and the JDBC driver opens it lazily at the next
   * statement; rather than rest atomicity on that, the batch is appended here, outside any
   * transaction, and copied into events and visitor_numbers inside the writer's. Temp tables,
   * because they are neither logged nor checkpointed (as persistent scratch tables, each event went
   * through the WAL three times: the append, the copy, the deletion), and the later steps read the
   * batch from here instead of selecting it out of events again.
   */
  static final List<String> BATCH_TABLES = List.of(
      "CREATE TEMP TABLE fresh_events (" + EVENT_COLUMNS + ")",
      "CREATE TEMP TABLE fresh_visitors (" + VISITOR_COLUMNS + ")",
      "CREATE TEMP TABLE older_keys (ts BIGINT NOT NULL, key_high BIGINT NOT NULL, key_low BIGINT NOT NULL)");

  /** Before each batch: whatever an earlier batch left, stored or failed, goes. */
  static final List<String> CLEAR_BATCH = List.of("DELETE FROM fresh_events", "DELETE FROM fresh_visitors");

  /** Before each lookup of {@link #STORED_COPIES}: the keys an earlier batch staged go. */
  static final String CLEAR_OLDER_KEYS = "DELETE FROM older_keys";

  /** The batch's events are moved by {@link Sessionizer}, which gives each its session. */
  static final String MOVE_VISITORS = "INSERT INTO visitor_numbers SELECT *, NULL FROM fresh_visitors";

  /**
   * The keys of the events with event time in [from, to], for {@link RecentEventKeys}: a range
   * scan, as the zone maps of {@code ts} let DuckDB skip the row groups of older events.
   */
  static final String EVENT_KEYS_BETWEEN = "SELECT key_high, key_low, ts FROM events WHERE ts >= ? AND ts <= ?";

  /**
   * Which of the batch's events older than the de-duplication window (staged in {@code older_keys})
   * are stored already: a copy has the same time and key. Bounded by the staged times so that DuckDB
   * reads only the row groups whose times overlap them.
   */
  static final String STORED_COPIES = """
      SELECT o.key_high, o.key_low FROM older_keys o
      JOIN events e ON e.ts = o.ts AND e.key_high = o.key_high AND e.key_low = o.key_low
      WHERE e.ts BETWEEN ? AND ?""";

  /** DuckDB's memory limit: past it, operators spill to disk or the statement fails; never the machine's memory. */
  static String memoryLimit(int megabytes) {
    return "SET memory_limit = '%dMB'".formatted(megabytes);
  }

  static String threads(int threads) {
    return "SET threads = %d".formatted(threads);
  }

  static final String LOAD_VISITOR_NUMBERS = "SELECT key_high, key_low, num FROM visitor_numbers";

  static String addPageviews(Grain grain) {
    return """
        INSERT INTO %s
        SELECT site, ts // %d, path, count(*) FROM fresh_events WHERE type = 'pageview' AND NOT bot GROUP BY ALL
        ON CONFLICT DO UPDATE SET pageviews = pageviews + excluded.pageviews""".formatted(grain.table("page"), grain.millis);
  }

  static final String UPDATE_FIRST_SEEN = """
      UPDATE visitor_numbers SET first_seen = f.first_view
      FROM (SELECT vnum, min(ts) AS first_view FROM fresh_events WHERE type = 'pageview' AND NOT bot GROUP BY vnum) f
      WHERE visitor_numbers.num = f.vnum AND (visitor_numbers.first_seen IS NULL OR f.first_view < visitor_numbers.first_seen)""";

  /** The span of event times a batch changed, per site: what cached reports overlapping it lose. */
  static final String CHANGED_SPANS = """
      SELECT site, min(lo), max(hi) FROM (
        SELECT site, min(ts) AS lo, max(ts) AS hi FROM fresh_events GROUP BY site
        UNION ALL SELECT site, lo, hi FROM span)
      GROUP BY site""";

  static String freshVisitors(Grain grain) {
    return """
        SELECT site, ts // %d AS bucket, list(DISTINCT vnum) FROM fresh_events WHERE type = 'pageview' AND NOT bot GROUP BY ALL"""
        .formatted(grain.millis);
  }

  static String saveVisitors(Grain grain) {
    return "INSERT OR REPLACE INTO %s VALUES (?, ?, ?)".formatted(grain.table("visitor"));
  }

  static String loadVisitors(Grain grain) {
    return "SELECT site, bucket, visitors FROM %s".formatted(grain.table("visitor"));
  }

  static final String LAST_BATCH = "SELECT coalesce(max(batch), 0) FROM events";

  static final String SAVE_LOADER_POSITION =
      "INSERT OR REPLACE INTO loader_position VALUES ('events', ?, ?)";

  static final String LOAD_LOADER_POSITION =
      "SELECT segment, log_offset FROM loader_position WHERE log = 'events'";
}
