package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.report.PageCount;
import com.clozette.analytics.aggregator.report.Report;
import com.clozette.analytics.aggregator.report.ReportQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of RULES.md over [from, to): whole hours from the hourly rollups, the partial hours
 * at the two edges from the detail tables, added up. Every statement takes the same parameters:
 * site, first whole hour, end of whole hours, then the two edge ranges in milliseconds.
 */
final class ReportQueries {
  static final long HOUR = 3_600_000L;

  /** Rows in the detail tables that fall in either edge range. */
  private static final String IN_EDGES = "((%1$s >= ? AND %1$s < ?) OR (%1$s >= ? AND %1$s < ?))";

  private static final String PAGEVIEWS = """
      SELECT (SELECT coalesce(sum(pageviews), 0) FROM page_hours WHERE site = ? AND hour >= ? AND hour < ?)
           + (SELECT count(*) FROM events WHERE site = ? AND type = 'pageview' AND NOT bot AND %s)"""
      .formatted(IN_EDGES.formatted("ts"));

  private static final String EDGE_VISITORS = """
      SELECT DISTINCT vnum FROM events WHERE site = ? AND type = 'pageview' AND NOT bot AND %s"""
      .formatted(IN_EDGES.formatted("ts"));

  private static final String SESSION_TOTALS = """
      SELECT sum(sessions), sum(duration_ms), sum(bounces) FROM (
        SELECT sessions, duration_ms, bounces FROM session_hours WHERE site = ? AND hour >= ? AND hour < ?
        UNION ALL
        SELECT count(*), coalesce(sum(end_ts - start_ts), 0), count(*) FILTER (WHERE pageviews = 1) FROM sessions
        WHERE site = ? AND pageviews > 0 AND %s)""".formatted(IN_EDGES.formatted("start_ts"));

  private static final String TOP_PAGES = """
      SELECT path, sum(n) AS n FROM (
        SELECT path, sessions AS n FROM %1$s_hours WHERE site = ? AND hour >= ? AND hour < ?
        UNION ALL
        SELECT %1$s_path, count(*) FROM sessions WHERE site = ? AND pageviews > 0 AND %2$s GROUP BY 1)
      GROUP BY path HAVING sum(n) > 0 ORDER BY n DESC, path ASC LIMIT ?""";

  /** Pageviews of the listed paths; the list is a DuckDB list parameter, so the plan is reused. */
  private static final String PAGEVIEWS_OF_PATHS = """
      SELECT path, sum(n) FROM (
        SELECT path, pageviews AS n FROM page_hours WHERE site = ? AND hour >= ? AND hour < ? AND list_contains(?, path)
        UNION ALL
        SELECT path, count(*) FROM events WHERE site = ? AND type = 'pageview' AND NOT bot AND %s AND list_contains(?, path) GROUP BY 1)
      GROUP BY path""".formatted(IN_EDGES.formatted("ts"));

  private final VisitorHours visitorHours;

  ReportQueries(VisitorHours visitorHours) {
    this.visitorHours = visitorHours;
  }

  /** How [from, to) splits into whole hours and two edge ranges (either may be empty). */
  record Split(long fromHour, long toHour, long edge1From, long edge1To, long edge2From, long edge2To) {
    static Split of(long from, long to) {
      long firstWhole = Math.floorDiv(from + HOUR - 1, HOUR);
      long endWhole = Math.floorDiv(to, HOUR);
      if (firstWhole >= endWhole) {
        return new Split(0, 0, from, to, to, to);
      }
      return new Split(firstWhole, endWhole, from, firstWhole * HOUR, endWhole * HOUR, to);
    }
  }

  Report report(Connection connection, ReportQuery query) throws SQLException {
    Split split = Split.of(query.from().toEpochMilli(), query.to().toEpochMilli());
    String site = query.site();

    long pageviews;
    try (PreparedStatement statement = connection.prepareStatement(PAGEVIEWS)) {
      bind(statement, 1, site, split);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        pageviews = row.getLong(1);
      }
    }

    List<Integer> edgeVisitors = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(EDGE_VISITORS)) {
      bindEdges(statement, 1, site, split);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          edgeVisitors.add(rows.getInt(1));
        }
      }
    }
    long visitors = visitorHours.union(site, split.fromHour(), split.toHour(), edgeVisitors).getLongCardinality();

    long sessions;
    long totalMillis;
    long bounces;
    try (PreparedStatement statement = connection.prepareStatement(SESSION_TOTALS)) {
      bind(statement, 1, site, split);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        sessions = row.getLong(1);
        totalMillis = row.getLong(2);
        bounces = row.getLong(3);
      }
    }

    List<PageCount> entryPages = topPages(connection, "entry", site, split, query.top(), false);
    List<PageCount> exitPages = topPages(connection, "exit", site, split, query.top(), true);
    double totalSeconds = totalMillis / 1000.0;
    return new Report(
        site, query.from().toString(), query.to().toString(), pageviews, visitors, sessions,
        sessions == 0 ? 0.0 : Report.round6(totalSeconds / sessions),
        visitors == 0 ? 0.0 : Report.round6(totalSeconds / visitors),
        sessions == 0 ? 0.0 : Report.round6((double) bounces / sessions),
        entryPages, exitPages);
  }

  private static List<PageCount> topPages(Connection connection, String end, String site, Split split, int top, boolean withExitRate)
      throws SQLException {
    List<String> paths = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(TOP_PAGES.formatted(end, IN_EDGES.formatted("start_ts")))) {
      statement.setInt(bind(statement, 1, site, split), top);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          paths.add(rows.getString(1));
          counts.add(rows.getLong(2));
        }
      }
    }
    Map<String, Long> views = withExitRate ? pageviewsOf(connection, paths, site, split) : Map.of();
    List<PageCount> pages = new ArrayList<>(paths.size());
    for (int i = 0; i < paths.size(); i++) {
      long sessions = counts.get(i);
      Double exitRate = null;
      if (withExitRate) {
        long pathViews = views.getOrDefault(paths.get(i), 0L);
        exitRate = pathViews == 0 ? 0.0 : Report.round6((double) sessions / pathViews);
      }
      pages.add(new PageCount(paths.get(i), sessions, exitRate));
    }
    return pages;
  }

  private static Map<String, Long> pageviewsOf(Connection connection, List<String> paths, String site, Split split) throws SQLException {
    Map<String, Long> views = new HashMap<>();
    if (paths.isEmpty()) {
      return views;
    }
    try (PreparedStatement statement = connection.prepareStatement(PAGEVIEWS_OF_PATHS)) {
      java.sql.Array list = connection.createArrayOf("VARCHAR", paths.toArray());
      statement.setString(1, site);
      statement.setLong(2, split.fromHour());
      statement.setLong(3, split.toHour());
      statement.setArray(4, list);
      int next = bindEdges(statement, 5, site, split);
      statement.setArray(next, list);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          views.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return views;
  }

  /** Binds site and whole hours, then site and the edges; returns the next parameter index. */
  private static int bind(PreparedStatement statement, int index, String site, Split split) throws SQLException {
    statement.setString(index++, site);
    statement.setLong(index++, split.fromHour());
    statement.setLong(index++, split.toHour());
    return bindEdges(statement, index, site, split);
  }

  private static int bindEdges(PreparedStatement statement, int index, String site, Split split) throws SQLException {
    statement.setString(index++, site);
    statement.setLong(index++, split.edge1From());
    statement.setLong(index++, split.edge1To());
    statement.setLong(index++, split.edge2From());
    statement.setLong(index++, split.edge2To());
    return index;
  }
}
