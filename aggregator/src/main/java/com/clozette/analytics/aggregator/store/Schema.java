package com.clozette.analytics.aggregator.store;

import java.util.List;

/** The DuckDB tables and the statements that keep them. Times are epoch milliseconds (BIGINT). */
final class Schema {
  private Schema() {}

  private static final String EVENT_COLUMNS = """
      site VARCHAR NOT NULL, id VARCHAR NOT NULL, type VARCHAR NOT NULL, ts BIGINT NOT NULL, vid VARCHAR NOT NULL,
      url VARCHAR, path VARCHAR, ref VARCHAR, ref_host VARCHAR, utm_source VARCHAR, utm_medium VARCHAR, utm_campaign VARCHAR,
      ua VARCHAR, platform VARCHAR NOT NULL, name VARCHAR, props VARCHAR,
      bot BOOLEAN NOT NULL, device VARCHAR, browser VARCHAR, os VARCHAR, ip VARCHAR""";

  static final List<String> DDL = List.of(
      "CREATE TABLE IF NOT EXISTS events (" + EVENT_COLUMNS + ", PRIMARY KEY (site, id))",
      // A batch is appended here first, then moved into events without the copies already stored.
      "CREATE TABLE IF NOT EXISTS staged (" + EVENT_COLUMNS + ")",
      // One row per run of a visitor's counted events with no gap over the session gap. A run
      // without a pageview is kept (it still joins or splits runs when events arrive late) but is
      // not a session: reports filter on pageviews > 0.
      """
      CREATE TABLE IF NOT EXISTS sessions (
        site VARCHAR NOT NULL, vid VARCHAR NOT NULL, start_ts BIGINT NOT NULL, end_ts BIGINT NOT NULL,
        events INTEGER NOT NULL, pageviews INTEGER NOT NULL, entry_path VARCHAR, exit_path VARCHAR,
        platform VARCHAR, ref_host VARCHAR, utm_source VARCHAR, device VARCHAR, browser VARCHAR, os VARCHAR)""",
      "CREATE TABLE IF NOT EXISTS loader_position (log VARCHAR PRIMARY KEY, segment BIGINT NOT NULL, log_offset BIGINT NOT NULL)");

  /** Moves the staged batch into events, one copy per (site, id), skipping those already stored. */
  static final String INSERT_NEW_FROM_STAGED = """
      INSERT OR IGNORE INTO events
      SELECT DISTINCT ON (site, id) * FROM staged ORDER BY site, id, ts""";

  static final String SAVE_LOADER_POSITION =
      "INSERT OR REPLACE INTO loader_position VALUES ('events', ?, ?)";

  static final String LOAD_LOADER_POSITION =
      "SELECT segment, log_offset FROM loader_position WHERE log = 'events'";
}
