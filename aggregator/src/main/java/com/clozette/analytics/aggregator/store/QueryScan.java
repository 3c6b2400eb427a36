package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.query.Figures;
import com.clozette.analytics.aggregator.query.Filter;
import com.clozette.analytics.aggregator.query.GroupBy;
import com.clozette.analytics.aggregator.query.Metric;
import com.clozette.analytics.aggregator.query.Order;
import com.clozette.analytics.aggregator.query.Query;
import com.clozette.analytics.aggregator.query.QueryResult;
import com.clozette.analytics.aggregator.query.QueryRows;
import com.clozette.analytics.aggregator.report.Dimension;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A query of the query API (docs/QUERY.md) translated to one DuckDB statement over the detail
 * tables: the pageviews in range and the pageviews of the sessions started in range, each joined to
 * the session holding it and filtered by the predicate, grouped, ordered and cut to a page. Every value of the query reaches DuckDB as a bound parameter; the SQL text depends only on
 * the query's shape (which metrics, dimensions and operators).
 */
final class QueryScan {
  private static final int MAIN = 0;
  private static final int OTHER = 1;

  private final Query query;
  /** The attribute dimensions in the query's order: key column a0, a1, ... (time is the bucket column). */
  private final List<Dimension> attributes = new ArrayList<>();
  /** The statement's parameters in the order of its placeholders, appended as its text is built. */
  private final List<Object> parameters = new ArrayList<>();

  QueryScan(Query query) {
    this.query = query;
    for (GroupBy dimension : query.dimensions()) {
      if (!dimension.isTime()) {
        attributes.add(dimension.attribute());
      }
    }
  }

  QueryResult run(Connection connection) throws SQLException {
    List<Query.Bucket> buckets = query.buckets();
    List<Query.Bucket> other = query.compareBuckets();
    int count = buckets.size() + other.size();
    Long[] starts = new Long[count];
    Long[] ends = new Long[count];
    Integer[] indexes = new Integer[count];
    Integer[] periods = new Integer[count];
    for (int i = 0; i < count; i++) {
      boolean main = i < buckets.size();
      Query.Bucket bucket = main ? buckets.get(i) : other.get(i - buckets.size());
      starts[i] = bucket.start().toEpochMilli();
      ends[i] = bucket.end().toEpochMilli();
      indexes[i] = main ? i : i - buckets.size();
      periods[i] = main ? MAIN : OTHER;
    }

    parameters.add(connection.createArrayOf("BIGINT", starts));
    parameters.add(connection.createArrayOf("BIGINT", ends));
    parameters.add(connection.createArrayOf("INTEGER", indexes));
    parameters.add(connection.createArrayOf("INTEGER", periods));
    boolean sessionFigures = query.countsSessions();
    boolean withSessions = sessionFigures || readsSessionAttributes();
    List<String> scans = new ArrayList<>();
    for (Span span : spans(connection, withSessions, buckets, other)) {
      scans.add(withSessions ? matchedWithSessions(span) : matchedPageviews(span));
    }
    String matched = String.join("\nUNION ALL\n", scans);

    String keys = keyColumns("");
    String matchedViews = """
        SELECT b.period, b.b_index AS bucket%s, count(*) AS pageviews, count(DISTINCT vid) AS visitors
        FROM matched m JOIN buckets b ON m.ts >= b.b_start AND m.ts < b.b_end GROUP BY ALL""".formatted(keyExpressions());
    int page = attributes.indexOf(Dimension.PAGE);
    String matchedSessions = !sessionFigures
        ? "SELECT period, bucket%s, 0 AS sessions, 0 AS duration_ms, 0 AS bounces, 0 AS exits FROM v WHERE false".formatted(keys)
        : """
        SELECT period, bucket%s, count(*) AS sessions, sum(duration) AS duration_ms, count(*) FILTER (WHERE session_views = 1) AS bounces,
          %s AS exits
        FROM (SELECT DISTINCT b.period, b.b_index AS bucket, vid, start_ts, duration, session_views%s%s
          FROM matched m JOIN buckets b ON m.start_ts >= b.b_start AND m.start_ts < b.b_end)
        GROUP BY ALL""".formatted(keys, page < 0 ? "0" : "count(*) FILTER (WHERE exit_path = a" + page + ")",
        page < 0 ? "" : ", exit_path", keyExpressions());
    String rowKeys = attributes.isEmpty()
        ? "SELECT b_index AS bucket FROM buckets WHERE period = " + MAIN
        : "SELECT bucket%1$s FROM v WHERE period = %2$d UNION SELECT bucket%1$s FROM ss WHERE period = %2$d".formatted(keys, MAIN);
    String joined = """
        SELECT k.bucket%s,
          coalesce(v.pageviews, 0) AS pageviews, coalesce(v.visitors, 0) AS visitors, coalesce(ss.sessions, 0) AS sessions,
          coalesce(ss.duration_ms, 0) AS duration_ms, coalesce(ss.bounces, 0) AS bounces, coalesce(ss.exits, 0) AS exits%s
        FROM row_keys k %s %s %s""".formatted(keyColumns("k."),
        query.compares() ? """
            , coalesce(cv.pageviews, 0) AS c_pageviews, coalesce(cv.visitors, 0) AS c_visitors, coalesce(cs.sessions, 0) AS c_sessions,
              coalesce(cs.duration_ms, 0) AS c_duration_ms, coalesce(cs.bounces, 0) AS c_bounces, coalesce(cs.exits, 0) AS c_exits""" : "",
        join("v", "v", MAIN), join("ss", "ss", MAIN),
        query.compares() ? join("v", "cv", OTHER) + " " + join("ss", "cs", OTHER) : "");
    String sql = """
        WITH buckets AS (SELECT unnest(?) AS b_start, unnest(?) AS b_end, unnest(?) AS b_index, unnest(?) AS period),
        matched AS MATERIALIZED (%s),
        v AS MATERIALIZED (%s),
        ss AS MATERIALIZED (%s),
        row_keys AS (%s),
        joined AS MATERIALIZED (%s),
        ordered AS (SELECT *, row_number() OVER (ORDER BY %s) AS position FROM joined ORDER BY position LIMIT ? OFFSET ?)
        SELECT t.total, o.* FROM (SELECT count(*) AS total FROM joined) t LEFT JOIN ordered o ON true ORDER BY o.position"""
        .formatted(matched, matchedViews, matchedSessions, rowKeys, joined, orderBy());
    parameters.add(query.limit());
    parameters.add(query.offset());

    List<QueryRows.Counted> rows = new ArrayList<>();
    long total = 0;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          total = result.getLong("total");
          if (result.getObject("position") == null) {
            continue;
          }
          rows.add(row(result));
        }
      }
    }
    return QueryRows.answer(query, rows, total);
  }

  /**
   * The pageviews in range and those of the sessions started in range, each joined to its session by
   * the start it was stored with (an equality join, built on the sessions in range), kept when they
   * satisfy the filter: one scan and one join for both the pageview and the session figures.
   */
  private String matchedWithSessions(Span span) {
    // Only the session columns read after the filter: each pageview's row is kept until both counts are done.
    java.util.Set<String> kept = new java.util.LinkedHashSet<>();
    attributes.stream().filter(dimension -> dimension != Dimension.PAGE).forEach(dimension -> kept.add("s." + Labels.column(dimension)));
    if (attributes.contains(Dimension.PAGE)) {
      kept.add("s.exit_path");
    }
    String sql = """
        SELECT e.vid, e.ts, e.path, s.start_ts, s.end_ts - s.start_ts AS duration, s.pageviews AS session_views%s
        FROM (SELECT vid, ts, path, session_start FROM events
          WHERE site = ? AND type = 'pageview' AND NOT bot AND ts >= ? AND ts <= ? AND session_start < ?) e
        JOIN (SELECT * FROM sessions WHERE site = ? AND end_ts >= ? AND start_ts < ?) s ON s.vid = e.vid AND s.start_ts = e.session_start
        WHERE %s""";
    parameters.addAll(List.of(query.site(), span.from, span.reach, span.to, query.site(), span.from, span.to));
    return sql.formatted(kept.stream().map(column -> ", " + column).collect(java.util.stream.Collectors.joining()), predicate(query.filter()));
  }

  /** The matching pageviews in range alone, when no figure, dimension or condition needs their sessions. */
  private String matchedPageviews(Span span) {
    String sql = """
        SELECT vid, ts, path FROM events WHERE site = ? AND type = 'pageview' AND NOT bot AND ts >= ? AND ts < ? AND %s""";
    parameters.addAll(List.of(query.site(), span.from, span.to));
    return sql.formatted(predicate(query.filter()));
  }

  /**
   * Times [from, to) a scan covers, and how far the pageviews it reads reach: to itself, or with
   * sessions the last end of the sessions starting in it.
   */
  private record Span(long from, long to, long reach) {}

  /**
   * The range, and the compared one apart from it when they are apart: a year-over-year comparison
   * reads two months, not the thirteen between their starts. Ranges whose pageviews meet are read as one.
   */
  private List<Span> spans(Connection connection, boolean withSessions, List<Query.Bucket> buckets, List<Query.Bucket> other)
      throws SQLException {
    List<Span> spans = new ArrayList<>();
    spans.add(span(connection, withSessions, hullStart(buckets), hullEnd(buckets)));
    if (!other.isEmpty()) {
      spans.add(span(connection, withSessions, hullStart(other), hullEnd(other)));
      spans.sort(java.util.Comparator.comparingLong(Span::from));
      if (spans.get(1).from <= spans.get(0).reach) {
        Span merged = span(connection, withSessions, spans.get(0).from, Math.max(spans.get(0).to, spans.get(1).to));
        return List.of(merged);
      }
    }
    return spans;
  }

  private Span span(Connection connection, boolean withSessions, long from, long to) throws SQLException {
    // A pageview in range can be later than every session starting in range (its own began before): reach covers both.
    return new Span(from, to, withSessions ? Math.max(to, lastSessionEnd(connection, from, to)) : to);
  }

  private static long hullStart(List<Query.Bucket> buckets) {
    return buckets.stream().mapToLong(bucket -> bucket.start().toEpochMilli()).min().orElseThrow();
  }

  private static long hullEnd(List<Query.Bucket> buckets) {
    return buckets.stream().mapToLong(bucket -> bucket.end().toEpochMilli()).max().orElseThrow();
  }

  /** Whether a dimension or a condition reads a session's attribute (anything but the page). */
  private boolean readsSessionAttributes() {
    return attributes.stream().anyMatch(dimension -> dimension != Dimension.PAGE) || readsSessionAttributes(query.filter());
  }

  private static boolean readsSessionAttributes(Filter filter) {
    if (filter == null) {
      return false;
    } else if (filter instanceof Filter.And and) {
      return and.filters().stream().anyMatch(QueryScan::readsSessionAttributes);
    } else if (filter instanceof Filter.Or or) {
      return or.filters().stream().anyMatch(QueryScan::readsSessionAttributes);
    } else if (filter instanceof Filter.Not not) {
      return readsSessionAttributes(not.filter());
    }
    return ((Filter.Condition) filter).dimension() != Dimension.PAGE;
  }

  /** The last end of the sessions starting in the hull of the ranges: how far their pageviews reach. */
  private long lastSessionEnd(Connection connection, long from, long to) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT coalesce(max(end_ts), ?) FROM sessions WHERE site = ? AND start_ts >= ? AND start_ts < ? AND pageviews > 0")) {
      statement.setLong(1, to);
      statement.setString(2, query.site());
      statement.setLong(3, from);
      statement.setLong(4, to);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }

  private QueryRows.Counted row(ResultSet result) throws SQLException {
    List<Object> keys = new ArrayList<>(query.dimensions().size());
    int attribute = 0;
    for (GroupBy dimension : query.dimensions()) {
      keys.add(dimension.isTime() ? (Object) result.getInt("bucket") : result.getString("a" + attribute++));
    }
    Figures figures = figures(result, "");
    return new QueryRows.Counted(keys, figures, query.compares() ? figures(result, "c_") : null);
  }

  private static Figures figures(ResultSet result, String prefix) throws SQLException {
    return new Figures(result.getLong(prefix + "pageviews"), result.getLong(prefix + "visitors"), result.getLong(prefix + "sessions"),
        result.getLong(prefix + "duration_ms"), result.getLong(prefix + "bounces"), result.getLong(prefix + "exits"));
  }

  /** {@code , a0, a1} for the attribute keys, each prefixed. */
  private String keyColumns(String prefix) {
    StringBuilder columns = new StringBuilder();
    for (int i = 0; i < attributes.size(); i++) {
      columns.append(", ").append(prefix).append('a').append(i);
    }
    return columns.toString();
  }

  /** {@code , <label> AS a0, ...}: the attribute keys computed from a pageview row. */
  private String keyExpressions() {
    StringBuilder columns = new StringBuilder();
    for (int i = 0; i < attributes.size(); i++) {
      columns.append(", ").append(Labels.ofPageview(attributes.get(i))).append(" AS a").append(i);
    }
    return columns.toString();
  }

  private String join(String table, String alias, int period) {
    StringBuilder on = new StringBuilder("LEFT JOIN %1$s %2$s ON %2$s.period = %3$d AND %2$s.bucket = k.bucket".formatted(table, alias, period));
    for (int i = 0; i < attributes.size(); i++) {
      on.append(" AND %1$s.a%2$d = k.a%2$d".formatted(alias, i));
    }
    return on.toString();
  }

  /** The filter as SQL over a pageview row, its values appended to the parameters in order. */
  private String predicate(Filter filter) {
    if (filter == null) {
      return "true";
    }
    if (filter instanceof Filter.And and) {
      return "(" + String.join(" AND ", and.filters().stream().map(this::predicate).toList()) + ")";
    } else if (filter instanceof Filter.Or or) {
      return "(" + String.join(" OR ", or.filters().stream().map(this::predicate).toList()) + ")";
    } else if (filter instanceof Filter.Not not) {
      return "(NOT " + predicate(not.filter()) + ")";
    }
    return condition((Filter.Condition) filter);
  }

  /** Values compared as they are: equality, or {@code contains} (a plain substring test, no pattern characters). */
  private String condition(Filter.Condition condition) {
    String value = Labels.ofPageview(condition.dimension());
    List<String> tests = new ArrayList<>();
    for (String candidate : condition.values()) {
      tests.add(condition.operator().substring() ? "contains(" + value + ", ?)" : value + " = ?");
      parameters.add(candidate);
    }
    String any = "(" + String.join(" OR ", tests) + ")";
    return condition.operator().negated() ? "(NOT " + any + ")" : any;
  }

  /** The same keys as {@link QueryRows#orderKeys}, with each metric computed as {@link Metric} computes it. */
  private String orderBy() {
    List<String> terms = new ArrayList<>();
    for (Order order : QueryRows.orderKeys(query)) {
      terms.add(orderTerm(order.field()) + (order.descending() ? " DESC" : " ASC"));
    }
    return String.join(", ", terms);
  }

  private String orderTerm(String field) {
    for (int i = 0, attribute = 0; i < query.dimensions().size(); i++) {
      GroupBy dimension = query.dimensions().get(i);
      if (dimension.wireName().equals(field)) {
        return dimension.isTime() ? "bucket" : "a" + attribute;
      }
      if (!dimension.isTime()) {
        attribute++;
      }
    }
    return switch (Metric.fromWireName(field)) {
      case PAGEVIEWS -> "pageviews";
      case VISITORS -> "visitors";
      case SESSIONS -> "sessions";
      case AVG_SESSION_SECONDS -> ratio("duration_ms::DOUBLE / 1000.0::DOUBLE", "sessions");
      case AVG_TIME_PER_VISITOR_SECONDS -> ratio("duration_ms::DOUBLE / 1000.0::DOUBLE", "visitors");
      case BOUNCE_RATE -> ratio("bounces::DOUBLE", "sessions");
      case VIEWS_PER_SESSION -> ratio("pageviews::DOUBLE", "sessions");
      case EXIT_RATE -> ratio("exits::DOUBLE", "pageviews");
    };
  }

  /** Rounded as {@link com.clozette.analytics.aggregator.report.Report#round6} rounds, so that ties order as the answer shows them. */
  private static String ratio(String amount, String units) {
    return "(CASE WHEN %2$s = 0 THEN 0.0::DOUBLE ELSE round(%1$s / %2$s, 6) END)".formatted(amount, units);
  }

  private void bind(PreparedStatement statement) throws SQLException {
    int index = 1;
    for (Object parameter : parameters) {
      if (parameter instanceof Array array) {
        statement.setArray(index++, array);
      } else if (parameter instanceof Long number) {
        statement.setLong(index++, number);
      } else if (parameter instanceof Integer number) {
        statement.setInt(index++, number);
      } else {
        statement.setString(index++, (String) parameter);
      }
    }
  }
}
