package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.report.Interval;
import com.clozette.analytics.aggregator.report.Queries;
import com.clozette.analytics.aggregator.report.Results;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Breakdowns, new visitors, real-time and the partner page export, read from the detail tables. */
final class DetailQueries {
  private static final String VIEWS = """
      SELECT %s AS key, count(*) AS pageviews, count(DISTINCT vid) AS visitors FROM events
      WHERE site = ? AND type = 'pageview' AND NOT bot AND ts >= ? AND ts < ? GROUP BY 1""";
  private static final String SESSIONS = """
      SELECT %s AS key, count(*) AS sessions, count(DISTINCT vid) AS visitors FROM sessions
      WHERE site = ? AND pageviews > 0 AND start_ts >= ? AND start_ts < ? GROUP BY 1""";

  Results.Breakdown breakdown(Connection connection, Queries.Breakdown query) throws SQLException {
    String[] columns = {Labels.ofEvent(query.by()), Labels.ofSession(query.by())};
    String sql;
    if (columns[0] != null && columns[1] != null) {
      sql = """
          WITH v AS (%s), s AS (%s)
          SELECT key, v.pageviews, v.visitors, s.sessions, count(*) OVER () FROM v FULL JOIN s USING (key)
          ORDER BY v.pageviews DESC NULLS LAST, s.sessions DESC NULLS LAST, key LIMIT ? OFFSET ?"""
          .formatted(VIEWS.formatted(columns[0]), SESSIONS.formatted(columns[1]));
    } else if (columns[0] != null) {
      sql = "WITH v AS (%s) SELECT key, pageviews, visitors, NULL, count(*) OVER () FROM v ORDER BY pageviews DESC, key LIMIT ? OFFSET ?"
          .formatted(VIEWS.formatted(columns[0]));
    } else {
      sql = "WITH s AS (%s) SELECT key, NULL, visitors, sessions, count(*) OVER () FROM s ORDER BY sessions DESC, key LIMIT ? OFFSET ?"
          .formatted(SESSIONS.formatted(columns[1]));
    }
    List<Results.BreakdownRow> rows = new ArrayList<>();
    long total = 0;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int index = 1;
      int ranges = columns[0] != null && columns[1] != null ? 2 : 1;
      for (int i = 0; i < ranges; i++) {
        statement.setString(index++, query.site());
        statement.setLong(index++, query.from().toEpochMilli());
        statement.setLong(index++, query.to().toEpochMilli());
      }
      statement.setInt(index++, query.limit());
      statement.setInt(index, query.offset());
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          rows.add(new Results.BreakdownRow(result.getString(1), nullableLong(result, 2), nullableLong(result, 3), nullableLong(result, 4)));
          total = result.getLong(5);
        }
      }
    }
    if (rows.isEmpty() && query.offset() > 0) {
      total = countKeys(connection, query, columns);
    }
    return new Results.Breakdown(query.site(), query.from().toString(), query.to().toString(), query.by().wireName(), rows, total);
  }

  private static long countKeys(Connection connection, Queries.Breakdown query, String[] columns) throws SQLException {
    String inner = columns[0] != null ? VIEWS.formatted(columns[0]) : SESSIONS.formatted(columns[1]);
    if (columns[0] != null && columns[1] != null) {
      inner = "SELECT key FROM (%s) UNION SELECT key FROM (%s)".formatted(VIEWS.formatted(columns[0]), SESSIONS.formatted(columns[1]));
    }
    try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM (" + inner + ")")) {
      int index = 1;
      for (int i = 0; i < (columns[0] != null && columns[1] != null ? 2 : 1); i++) {
        statement.setString(index++, query.site());
        statement.setLong(index++, query.from().toEpochMilli());
        statement.setLong(index++, query.to().toEpochMilli());
      }
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }

  /** Visitors whose first pageview ever falls in [from, to). */
  long newVisitors(Connection connection, String site, long from, long to) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT count(*) FROM visitor_numbers WHERE site = ? AND first_seen >= ? AND first_seen < ?")) {
      statement.setString(1, site);
      statement.setLong(2, from);
      statement.setLong(3, to);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }

  Results.Realtime realtime(Connection connection, String site, long now, long windowMillis) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT count(DISTINCT vid), count(*) FILTER (WHERE type = 'pageview') FROM events
        WHERE site = ? AND NOT bot AND ts >= ? AND ts <= ?""")) {
      statement.setString(1, site);
      statement.setLong(2, now - windowMillis);
      statement.setLong(3, now);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return new Results.Realtime(site, (int) (windowMillis / 1000), result.getLong(1), result.getLong(2), Instant.ofEpochMilli(now).toString());
      }
    }
  }

  Results.BotTraffic bots(Connection connection, Queries.Bots query) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT coalesce(browser, 'Unknown') AS name, coalesce(bot_source, 'unknown') AS source, count(*) AS pageviews FROM events
        WHERE site = ? AND bot AND type = 'pageview' AND ts >= ? AND ts < ?
        GROUP BY ALL ORDER BY pageviews DESC, name, source LIMIT ?""")) {
      statement.setString(1, query.site());
      statement.setLong(2, query.from().toEpochMilli());
      statement.setLong(3, query.to().toEpochMilli());
      statement.setInt(4, query.limit());
      List<Results.BotRow> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          rows.add(new Results.BotRow(result.getString(1), result.getString(2), result.getLong(3)));
        }
      }
      return new Results.BotTraffic(query.site(), query.from().toString(), query.to().toString(), rows);
    }
  }

  private static final String PAGE_EXPORT = """
      WITH days AS (SELECT unnest(?) AS day_start, unnest(?) AS day_end, unnest(?) AS day),
      s AS (
        SELECT d.day, s.vid, s.entry_path, s.exit_path FROM sessions s JOIN days d ON s.start_ts >= d.day_start AND s.start_ts < d.day_end
        WHERE s.site = ? AND s.pageviews > 0
      ), visits AS (
        SELECT day, 'entry' AS kind, entry_path AS path, vid FROM s
        UNION ALL SELECT day, 'exit', exit_path, vid FROM s
        UNION ALL
        SELECT d.day, 'page', e.path, e.vid FROM events e JOIN days d ON e.ts >= d.day_start AND e.ts < d.day_end
        WHERE e.site = ? AND e.type = 'pageview' AND NOT e.bot
      ), cells AS (
        SELECT day, kind, path, count(*) AS n, count(DISTINCT vid) AS visitors FROM visits GROUP BY ALL
      ), kept AS (
        SELECT day, kind, path FROM (
          SELECT *, row_number() OVER (PARTITION BY day, kind ORDER BY n DESC, path) AS rank FROM cells WHERE visitors >= ?)
        WHERE rank <= ?
      )
      SELECT day, kind, path, n, visitors, 0 AS folded FROM cells JOIN kept USING (day, kind, path)
      UNION ALL
      SELECT day, kind, '(other)', count(*), count(DISTINCT vid), 1 FROM visits v
      WHERE NOT EXISTS (SELECT 1 FROM kept k WHERE k.day = v.day AND k.kind = v.kind AND k.path = v.path)
      GROUP BY day, kind
      ORDER BY day, kind, folded, n DESC, path""";

  List<Results.PageRow> pageExport(Connection connection, Queries.PageExport query) throws SQLException {
    List<Instant> boundaries = Interval.DAY.boundaries(query.from(), query.to(), query.zone());
    int days = boundaries.size() - 1;
    Long[] starts = new Long[days];
    Long[] ends = new Long[days];
    String[] names = new String[days];
    for (int i = 0; i < days; i++) {
      starts[i] = Math.max(query.from().toEpochMilli(), boundaries.get(i).toEpochMilli());
      ends[i] = Math.min(query.to().toEpochMilli(), boundaries.get(i + 1).toEpochMilli());
      names[i] = boundaries.get(i).atZone(query.zone()).toLocalDate().toString();
    }
    List<Results.PageRow> rows = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(PAGE_EXPORT)) {
      Array startArray = connection.createArrayOf("BIGINT", starts);
      Array endArray = connection.createArrayOf("BIGINT", ends);
      Array nameArray = connection.createArrayOf("VARCHAR", names);
      statement.setArray(1, startArray);
      statement.setArray(2, endArray);
      statement.setArray(3, nameArray);
      statement.setString(4, query.site());
      statement.setString(5, query.site());
      statement.setInt(6, query.smallCellK());
      statement.setInt(7, query.top());
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          String kind = result.getString(2);
          long count = result.getLong(4);
          boolean pages = kind.equals("page");
          rows.add(new Results.PageRow(result.getString(1), kind, result.getString(3),
              pages ? count : null, pages ? null : count, result.getLong(5)));
        }
      }
    }
    return rows;
  }

  private static Long nullableLong(ResultSet result, int column) throws SQLException {
    long value = result.getLong(column);
    return result.wasNull() ? null : value;
  }
}
