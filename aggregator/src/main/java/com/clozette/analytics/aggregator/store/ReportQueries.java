package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.report.PageCount;
import com.clozette.analytics.aggregator.report.Report;
import com.clozette.analytics.aggregator.report.ReportQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The report of RULES.md as SQL over the events and the materialised sessions. */
final class ReportQueries {
  private static final String PAGEVIEWS_AND_VISITORS = """
      SELECT count(*), count(DISTINCT vid) FROM events
      WHERE site = ? AND type = 'pageview' AND NOT bot AND ts >= ? AND ts < ?""";
  private static final String SESSION_TOTALS = """
      SELECT count(*), coalesce(sum(end_ts - start_ts), 0), count(*) FILTER (WHERE pageviews = 1) FROM sessions
      WHERE site = ? AND pageviews > 0 AND start_ts >= ? AND start_ts < ?""";
  private static final String ENTRY_PAGES = """
      SELECT entry_path, count(*) AS n FROM sessions
      WHERE site = ? AND pageviews > 0 AND start_ts >= ? AND start_ts < ?
      GROUP BY entry_path ORDER BY n DESC, entry_path ASC LIMIT ?""";
  private static final String EXIT_PAGES = """
      WITH exits AS (
        SELECT exit_path AS path, count(*) AS n FROM sessions
        WHERE site = ? AND pageviews > 0 AND start_ts >= ? AND start_ts < ?
        GROUP BY exit_path ORDER BY n DESC, exit_path ASC LIMIT ?
      ), views AS (
        SELECT path, count(*) AS pageviews FROM events
        WHERE site = ? AND type = 'pageview' AND NOT bot AND ts >= ? AND ts < ? AND path IN (SELECT path FROM exits)
        GROUP BY path
      )
      SELECT exits.path, exits.n, views.pageviews FROM exits LEFT JOIN views USING (path)
      ORDER BY exits.n DESC, exits.path ASC""";

  Report report(Connection connection, ReportQuery query) throws SQLException {
    long from = query.from().toEpochMilli();
    long to = query.to().toEpochMilli();
    long pageviews;
    long visitors;
    try (PreparedStatement statement = rangeStatement(connection, PAGEVIEWS_AND_VISITORS, query.site(), from, to);
        ResultSet row = statement.executeQuery()) {
      row.next();
      pageviews = row.getLong(1);
      visitors = row.getLong(2);
    }
    long sessions;
    long totalMillis;
    long bounces;
    try (PreparedStatement statement = rangeStatement(connection, SESSION_TOTALS, query.site(), from, to);
        ResultSet row = statement.executeQuery()) {
      row.next();
      sessions = row.getLong(1);
      totalMillis = row.getLong(2);
      bounces = row.getLong(3);
    }
    List<PageCount> entryPages = new ArrayList<>();
    try (PreparedStatement statement = rangeStatement(connection, ENTRY_PAGES, query.site(), from, to)) {
      statement.setInt(4, query.top());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          entryPages.add(new PageCount(rows.getString(1), rows.getLong(2), null));
        }
      }
    }
    List<PageCount> exitPages = new ArrayList<>();
    try (PreparedStatement statement = rangeStatement(connection, EXIT_PAGES, query.site(), from, to)) {
      statement.setInt(4, query.top());
      statement.setString(5, query.site());
      statement.setLong(6, from);
      statement.setLong(7, to);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          long exits = rows.getLong(2);
          long views = rows.getLong(3);
          exitPages.add(new PageCount(rows.getString(1), exits, views == 0 ? 0.0 : Report.round6((double) exits / views)));
        }
      }
    }
    double totalSeconds = totalMillis / 1000.0;
    return new Report(
        query.site(), query.from().toString(), query.to().toString(), pageviews, visitors, sessions,
        sessions == 0 ? 0.0 : Report.round6(totalSeconds / sessions),
        visitors == 0 ? 0.0 : Report.round6(totalSeconds / visitors),
        sessions == 0 ? 0.0 : Report.round6((double) bounces / sessions),
        entryPages, exitPages);
  }

  private static PreparedStatement rangeStatement(Connection connection, String sql, String site, long from, long to) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.setString(1, site);
    statement.setLong(2, from);
    statement.setLong(3, to);
    return statement;
  }
}
