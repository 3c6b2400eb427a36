package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.report.PageCount;
import com.clozette.analytics.aggregator.report.Report;
import com.clozette.analytics.aggregator.report.ReportQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import com.clozette.analytics.aggregator.report.Queries;
import com.clozette.analytics.aggregator.report.Results;
import java.time.Instant;
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

  /**
   * The rows of a detail table in either edge range: two plain range scans, not one OR, so that
   * DuckDB's zone maps skip every row group outside the edges.
   */
  private static String inEdges(String table, String time) {
    return "(SELECT * FROM %1$s WHERE site = ? AND %2$s >= ? AND %2$s < ? UNION ALL SELECT * FROM %1$s WHERE site = ? AND %2$s >= ? AND %2$s < ?)"
        .formatted(table, time);
  }

  private static final String EDGE_EVENTS = """
      SELECT count(*), list(DISTINCT vnum) FROM %s WHERE type = 'pageview' AND NOT bot"""
      .formatted(inEdges("events", "ts"));

  private static final String EDGE_SESSIONS = """
      SELECT count(*), coalesce(sum(end_ts - start_ts), 0), count(*) FILTER (WHERE pageviews = 1) FROM %s
      WHERE pageviews > 0""".formatted(inEdges("sessions", "start_ts"));

  private static final String HOURLY_PAGEVIEWS = """
      SELECT hour, sum(pageviews) FROM page_hours WHERE site = ? AND hour >= ? AND hour < ? GROUP BY hour""";

  private static final String HOURLY_SESSIONS = """
      SELECT hour, sessions, duration_ms, bounces FROM session_hours WHERE site = ? AND hour >= ? AND hour < ?""";

  private static final String TOP_PAGES = """
      SELECT path, sum(n) AS n FROM (
        SELECT path, sessions AS n FROM %1$s_hours WHERE site = ? AND hour >= ? AND hour < ?
        UNION ALL
        SELECT %1$s_path, count(*) FROM %2$s WHERE pageviews > 0 GROUP BY 1)
      GROUP BY path HAVING sum(n) > 0 ORDER BY n DESC, path ASC LIMIT ?""";

  /** Pageviews of the listed paths; the list is a DuckDB list parameter, so the plan is reused. */
  private static final String PAGEVIEWS_OF_PATHS = """
      SELECT path, sum(n) FROM (
        SELECT path, pageviews AS n FROM page_hours WHERE site = ? AND hour >= ? AND hour < ? AND list_contains(?, path)
        UNION ALL
        SELECT path, count(*) FROM %s WHERE type = 'pageview' AND NOT bot AND list_contains(?, path) GROUP BY 1)
      GROUP BY path""".formatted(inEdges("events", "ts"));

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

    boolean edgesEmpty() {
      return edge1From >= edge1To && edge2From >= edge2To;
    }
  }

  Report report(Connection connection, ReportQuery query) throws SQLException {
    Split split = Split.of(query.from().toEpochMilli(), query.to().toEpochMilli());
    String site = query.site();
    Totals totals = new Totals();
    Hourly hourly = Hourly.load(connection, site, split.fromHour(), split.toHour());
    hourly.addTo(totals, site, split.fromHour(), split.toHour(), visitorHours);
    addEdges(connection, totals, site, split);
    return new Report(
        site, query.from().toString(), query.to().toString(), totals.pageviews, totals.visitorCount(), totals.sessions,
        totals.avgSessionSeconds(), totals.avgTimePerVisitorSeconds(), totals.bounceRate(),
        topPages(connection, "entry", site, split, query.top(), false),
        topPages(connection, "exit", site, split, query.top(), true));
  }

  /** One bucket per interval in the site's zone, each computed like a report over its range. */
  Results.TimeSeries timeSeries(Connection connection, Queries.Series query) throws SQLException {
    long from = query.from().toEpochMilli();
    long to = query.to().toEpochMilli();
    Split whole = Split.of(from, to);
    Hourly hourly = Hourly.load(connection, query.site(), Math.floorDiv(from, HOUR), Math.floorDiv(to + HOUR - 1, HOUR));
    List<Results.Bucket> buckets = new ArrayList<>();
    List<Instant> boundaries = query.interval().boundaries(query.from(), query.to(), query.zone());
    for (int i = 0; i + 1 < boundaries.size(); i++) {
      long start = Math.max(from, boundaries.get(i).toEpochMilli());
      long end = Math.min(to, boundaries.get(i + 1).toEpochMilli());
      Split split = Split.of(start, end);
      Totals totals = new Totals();
      hourly.addTo(totals, query.site(), split.fromHour(), split.toHour(), visitorHours);
      if (!split.edgesEmpty()) {
        addEdges(connection, totals, query.site(), split);
      }
      buckets.add(new Results.Bucket(Instant.ofEpochMilli(start).toString(), Instant.ofEpochMilli(end).toString(),
          totals.pageviews, totals.visitorCount(), totals.sessions, totals.avgSessionSeconds(),
          totals.avgTimePerVisitorSeconds(), totals.bounceRate()));
    }
    return new Results.TimeSeries(query.site(), query.from().toString(), query.to().toString(),
        query.interval().wireName(), query.zone().getId(), buckets);
  }

  /** The visitor set and totals of the range: what the visitors summary builds on. */
  Totals totals(Connection connection, String site, long from, long to) throws SQLException {
    Split split = Split.of(from, to);
    Totals totals = new Totals();
    Hourly.load(connection, site, split.fromHour(), split.toHour()).addTo(totals, site, split.fromHour(), split.toHour(), visitorHours);
    addEdges(connection, totals, site, split);
    return totals;
  }

  private static void addEdges(Connection connection, Totals totals, String site, Split split) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(EDGE_EVENTS)) {
      bindEdges(statement, 1, site, split);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        totals.pageviews += row.getLong(1);
        java.sql.Array visitors = row.getArray(2);
        if (visitors != null) {
          for (Object visitor : (Object[]) visitors.getArray()) {
            totals.visitors.add(((Number) visitor).intValue());
          }
        }
      }
    }
    try (PreparedStatement statement = connection.prepareStatement(EDGE_SESSIONS)) {
      bindEdges(statement, 1, site, split);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        totals.sessions += row.getLong(1);
        totals.durationMillis += row.getLong(2);
        totals.bounces += row.getLong(3);
      }
    }
  }

  /** The hourly rollups of a site over an hour range, loaded once and summed per bucket in memory. */
  private record Hourly(Map<Long, Long> pageviews, Map<Long, long[]> sessions) {
    static Hourly load(Connection connection, String site, long fromHour, long toHour) throws SQLException {
      Map<Long, Long> pageviews = new HashMap<>();
      Map<Long, long[]> sessions = new HashMap<>();
      if (fromHour >= toHour) {
        return new Hourly(pageviews, sessions);
      }
      try (PreparedStatement statement = connection.prepareStatement(HOURLY_PAGEVIEWS)) {
        statement.setString(1, site);
        statement.setLong(2, fromHour);
        statement.setLong(3, toHour);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            pageviews.put(rows.getLong(1), rows.getLong(2));
          }
        }
      }
      try (PreparedStatement statement = connection.prepareStatement(HOURLY_SESSIONS)) {
        statement.setString(1, site);
        statement.setLong(2, fromHour);
        statement.setLong(3, toHour);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            sessions.put(rows.getLong(1), new long[] {rows.getLong(2), rows.getLong(3), rows.getLong(4)});
          }
        }
      }
      return new Hourly(pageviews, sessions);
    }

    void addTo(Totals totals, String site, long fromHour, long toHour, VisitorHours visitorHours) {
      for (long hour = fromHour; hour < toHour; hour++) {
        totals.pageviews += pageviews.getOrDefault(hour, 0L);
        long[] session = sessions.get(hour);
        if (session != null) {
          totals.sessions += session[0];
          totals.durationMillis += session[1];
          totals.bounces += session[2];
        }
      }
      visitorHours.addUnion(totals.visitors, site, fromHour, toHour);
    }
  }

  private static List<PageCount> topPages(Connection connection, String end, String site, Split split, int top, boolean withExitRate)
      throws SQLException {
    List<String> paths = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(TOP_PAGES.formatted(end, inEdges("sessions", "start_ts")))) {
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
    statement.setString(index++, site);
    statement.setLong(index++, split.edge2From());
    statement.setLong(index++, split.edge2To());
    return index;
  }
}
