package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.report.PageCount;
import com.clozette.analytics.aggregator.report.Queries;
import com.clozette.analytics.aggregator.report.Rates;
import com.clozette.analytics.aggregator.report.Report;
import com.clozette.analytics.aggregator.report.ReportQuery;
import com.clozette.analytics.aggregator.report.Results;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of RULES.md over [from, to), added up from three layers: the whole UTC days inside it
 * from the day rollups, the whole hours around those days from the hour rollups, and the partial
 * hours at the two edges from the detail tables. So its cost depends on the number of days and
 * pages, not on the number of events.
 */
final class ReportQueries {
  static final long HOUR = Grain.HOUR.millis;
  private static final long HOURS_PER_DAY = Grain.DAY.millis / HOUR;

  /**
   * The rows of a detail table in either edge range: two plain range scans, not one OR, so that
   * DuckDB's zone maps skip every row group outside the edges.
   */
  private static String inEdges(String table, String time) {
    return "(SELECT * FROM %1$s WHERE site = ? AND %2$s >= ? AND %2$s < ? UNION ALL SELECT * FROM %1$s WHERE site = ? AND %2$s >= ? AND %2$s < ?)"
        .formatted(table, time);
  }

  /** The rows of a rollup kind in the layers: the whole days, then the whole hours before and after them. */
  private static String inLayers(String kind, String columns) {
    return """
        SELECT %2$s FROM %1$s WHERE site = ? AND bucket >= ? AND bucket < ?
        UNION ALL SELECT %2$s FROM %3$s WHERE site = ? AND bucket >= ? AND bucket < ?
        UNION ALL SELECT %2$s FROM %3$s WHERE site = ? AND bucket >= ? AND bucket < ?"""
        .formatted(Grain.DAY.table(kind), columns, Grain.HOUR.table(kind));
  }

  private static final String EDGE_EVENTS = """
      SELECT count(*), list(DISTINCT vnum) FROM %s WHERE type = 'pageview' AND NOT bot"""
      .formatted(inEdges("events", "ts"));

  private static final String EDGE_SESSIONS = """
      SELECT count(*), coalesce(sum(end_ts - start_ts), 0), count(*) FILTER (WHERE pageviews = 1) FROM %s
      WHERE pageviews > 0""".formatted(inEdges("sessions", "start_ts"));

  private static final String TOP_PAGES = """
      SELECT path, sum(n) AS n FROM (
        %s
        UNION ALL
        SELECT %s_path, count(*) FROM %s WHERE pageviews > 0 GROUP BY 1)
      GROUP BY path HAVING sum(n) > 0 ORDER BY n DESC, path ASC LIMIT ?""";

  /** Pageviews of the listed paths; the list is a DuckDB list parameter, so the plan is reused. */
  private static final String PAGEVIEWS_OF_PATHS = """
      SELECT path, sum(n) FROM (
        SELECT path, n FROM (%s) WHERE list_contains(?, path)
        UNION ALL
        SELECT path, count(*) FROM %s WHERE type = 'pageview' AND NOT bot AND list_contains(?, path) GROUP BY 1)
      GROUP BY path""".formatted(inLayers("page", "path, pageviews AS n"), inEdges("events", "ts"));

  private final Map<Grain, VisitorSets> visitorSets;

  ReportQueries(Map<Grain, VisitorSets> visitorSets) {
    this.visitorSets = visitorSets;
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

    /** The whole hours as whole days plus the hours before and after them (any may be empty). */
    Layers layers() {
      long firstDay = Math.floorDiv(fromHour + HOURS_PER_DAY - 1, HOURS_PER_DAY);
      long endDay = Math.floorDiv(toHour, HOURS_PER_DAY);
      if (firstDay >= endDay) {
        return new Layers(0, 0, fromHour, toHour, toHour, toHour);
      }
      return new Layers(firstDay, endDay, fromHour, firstDay * HOURS_PER_DAY, endDay * HOURS_PER_DAY, toHour);
    }
  }

  /** Whole days [fromDay, toDay), and whole hours [hours1From, hours1To) and [hours2From, hours2To). */
  record Layers(long fromDay, long toDay, long hours1From, long hours1To, long hours2From, long hours2To) {}

  Report report(Connection connection, ReportQuery query) throws SQLException {
    Split split = Split.of(query.from().toEpochMilli(), query.to().toEpochMilli());
    String site = query.site();
    Totals totals = totals(connection, site, split);
    return new Report(
        site, query.from().toString(), query.to().toString(), totals.pageviews, totals.visitorCount(), totals.sessions,
        totals.avgSessionSeconds(), totals.avgTimePerVisitorSeconds(), totals.bounceRate(),
        topPages(connection, "entry", site, split, query.top(), false),
        topPages(connection, "exit", site, split, query.top(), true));
  }

  /**
   * The totals of consecutive buckets, each [start, end) and computed like a report over it: the
   * hour rollups loaded once for all of them, the detail at each bucket's partial hours.
   */
  List<Totals> bucketTotals(Connection connection, String site, List<long[]> buckets) throws SQLException {
    List<Totals> totals = new ArrayList<>(buckets.size());
    if (buckets.isEmpty()) {
      return totals;
    }
    long from = buckets.get(0)[0];
    long to = buckets.get(buckets.size() - 1)[1];
    Rollup hourly = Rollup.load(connection, Grain.HOUR, site, Math.floorDiv(from, HOUR), Math.floorDiv(to + HOUR - 1, HOUR));
    for (long[] bucket : buckets) {
      Split split = Split.of(bucket[0], bucket[1]);
      Totals total = new Totals();
      hourly.addTo(total, site, split.fromHour(), split.toHour(), visitorSets.get(Grain.HOUR));
      if (!split.edgesEmpty()) {
        addEdges(connection, total, site, split);
      }
      totals.add(total);
    }
    return totals;
  }

  /** The visitor set and totals of the range: what the visitors summary builds on. */
  Totals totals(Connection connection, String site, long from, long to) throws SQLException {
    return totals(connection, site, Split.of(from, to));
  }

  private Totals totals(Connection connection, String site, Split split) throws SQLException {
    Layers layers = split.layers();
    Totals totals = new Totals();
    Rollup.load(connection, Grain.DAY, site, layers.fromDay(), layers.toDay())
        .addTo(totals, site, layers.fromDay(), layers.toDay(), visitorSets.get(Grain.DAY));
    Rollup.load(connection, Grain.HOUR, site, layers.hours1From(), layers.hours1To())
        .addTo(totals, site, layers.hours1From(), layers.hours1To(), visitorSets.get(Grain.HOUR));
    Rollup.load(connection, Grain.HOUR, site, layers.hours2From(), layers.hours2To())
        .addTo(totals, site, layers.hours2From(), layers.hours2To(), visitorSets.get(Grain.HOUR));
    addEdges(connection, totals, site, split);
    return totals;
  }

  private static void addEdges(Connection connection, Totals totals, String site, Split split) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(EDGE_EVENTS)) {
      bindEdges(statement, 1, site, split);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        totals.pageviews += row.getLong(1);
        Array visitors = row.getArray(2);
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

  /** The pageview and session rollups of a site over a bucket range, loaded once and summed in memory. */
  private record Rollup(Map<Long, Long> pageviews, Map<Long, long[]> sessions) {
    static Rollup load(Connection connection, Grain grain, String site, long from, long to) throws SQLException {
      Map<Long, Long> pageviews = new HashMap<>();
      Map<Long, long[]> sessions = new HashMap<>();
      if (from >= to) {
        return new Rollup(pageviews, sessions);
      }
      try (PreparedStatement statement = connection.prepareStatement(
          "SELECT bucket, sum(pageviews) FROM %s WHERE site = ? AND bucket >= ? AND bucket < ? GROUP BY bucket".formatted(grain.table("page")))) {
        bindRange(statement, 1, site, from, to);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            pageviews.put(rows.getLong(1), rows.getLong(2));
          }
        }
      }
      try (PreparedStatement statement = connection.prepareStatement(
          "SELECT bucket, sessions, duration_ms, bounces FROM %s WHERE site = ? AND bucket >= ? AND bucket < ?".formatted(grain.table("session")))) {
        bindRange(statement, 1, site, from, to);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            sessions.put(rows.getLong(1), new long[] {rows.getLong(2), rows.getLong(3), rows.getLong(4)});
          }
        }
      }
      return new Rollup(pageviews, sessions);
    }

    void addTo(Totals totals, String site, long from, long to, VisitorSets visitors) {
      for (long bucket = from; bucket < to; bucket++) {
        totals.pageviews += pageviews.getOrDefault(bucket, 0L);
        long[] session = sessions.get(bucket);
        if (session != null) {
          totals.sessions += session[0];
          totals.durationMillis += session[1];
          totals.bounces += session[2];
        }
      }
      visitors.addUnion(totals.visitors, site, from, to);
    }
  }

  private static List<PageCount> topPages(Connection connection, String end, String site, Split split, int top, boolean withExitRate)
      throws SQLException {
    List<String> paths = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    String sql = TOP_PAGES.formatted(inLayers(end, "path, sessions AS n"), end, inEdges("sessions", "start_ts"));
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int next = bindLayers(statement, 1, site, split.layers());
      statement.setInt(bindEdges(statement, next, site, split), top);
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
        exitRate = Rates.exitRate(sessions, pathViews);
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
      Array list = connection.createArrayOf("VARCHAR", paths.toArray());
      int next = bindLayers(statement, 1, site, split.layers());
      statement.setArray(next++, list);
      next = bindEdges(statement, next, site, split);
      statement.setArray(next, list);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          views.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return views;
  }

  private static int bindLayers(PreparedStatement statement, int index, String site, Layers layers) throws SQLException {
    index = bindRange(statement, index, site, layers.fromDay(), layers.toDay());
    index = bindRange(statement, index, site, layers.hours1From(), layers.hours1To());
    return bindRange(statement, index, site, layers.hours2From(), layers.hours2To());
  }

  private static int bindEdges(PreparedStatement statement, int index, String site, Split split) throws SQLException {
    index = bindRange(statement, index, site, split.edge1From(), split.edge1To());
    return bindRange(statement, index, site, split.edge2From(), split.edge2To());
  }

  private static int bindRange(PreparedStatement statement, int index, String site, long from, long to) throws SQLException {
    statement.setString(index++, site);
    statement.setLong(index++, from);
    statement.setLong(index++, to);
    return index;
  }
}
