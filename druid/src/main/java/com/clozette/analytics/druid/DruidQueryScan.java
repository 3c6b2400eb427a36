package com.clozette.analytics.druid;

import com.clozette.analytics.aggregator.http.ApiException;
import com.clozette.analytics.aggregator.query.Figures;
import com.clozette.analytics.aggregator.query.Filter;
import com.clozette.analytics.aggregator.query.GroupBy;
import com.clozette.analytics.aggregator.query.Query;
import com.clozette.analytics.aggregator.query.QueryResult;
import com.clozette.analytics.aggregator.query.QueryRows;
import com.clozette.analytics.aggregator.report.Dimension;
import com.clozette.analytics.druid.DruidSql.Param;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A query of the query API (docs/QUERY.md) translated to Druid SQL over the session pageview rows:
 * one row per pageview of a session that is over, carrying its session's start, length, pageview
 * count and attributes, signed like the session rows (a session that a late event changes is
 * written again with {@code -1}, then anew). Two statements per range: the matching pageviews in
 * range, grouped by row key and visitor, then by row key (pageviews and visitors exact); and, when a figure
 * counts sessions, the sessions started in range that hold a matching pageview, grouped by session
 * version first (so retracted versions cancel) and then by the row keys. Rows are joined, ordered
 * and paged here by the shared {@link QueryRows}; every user value travels as a parameter.
 */
final class DruidQueryScan {
  /**
   * How far after the range's end the pageviews of a session started in range are looked for: a
   * day. Druid reads the segments of the range and of this day after it, not all that follows; a
   * session whose matching pageviews all come more than a day after the range (a day of activity
   * without a 30-minute pause) is not counted for them.
   */
  static final long SESSION_REACH_MILLIS = Duration.ofDays(1).toMillis();
  /**
   * The most rows a question may have here: Druid groups them all, and they are ordered and paged in
   * this process (a few hundred bytes each).
   */
  static final int MAX_ROWS = 100_000;

  /** The column of each dimension on a session pageview row, already coalesced to the placeholders. */
  private static final Map<Dimension, String> COLUMNS = new EnumMap<>(Map.of(
      Dimension.PAGE, "path",
      Dimension.ENTRY, "entry",
      Dimension.EXIT, "\"exit\"",
      Dimension.REFERRER, "refHost",
      Dimension.UTM_SOURCE, "utmSource",
      Dimension.PLATFORM, "platform",
      Dimension.DEVICE, "device",
      Dimension.BROWSER, "browser",
      Dimension.OS, "os"));

  private final Vertx vertx;
  private final DruidSql sql;
  private final String pageviews;
  private final Query query;
  private final List<Dimension> attributes = new ArrayList<>();

  DruidQueryScan(Vertx vertx, DruidSql sql, String pageviews, Query query) {
    this.vertx = vertx;
    this.sql = sql;
    this.pageviews = pageviews;
    this.query = query;
    for (GroupBy dimension : query.dimensions()) {
      if (!dimension.isTime()) {
        attributes.add(dimension.attribute());
      }
    }
  }

  Future<QueryResult> run() {
    Future<Grouped> main = figures(query.buckets());
    Future<Grouped> other = query.compares() ? figures(query.compareBuckets()) : Future.succeededFuture(new Grouped(List.of(), List.of()));
    // Joined, ordered and paged on a worker: up to MAX_ROWS rows, which the event loop must not sort.
    return Future.all(main, other).compose(all -> vertx.executeBlocking(() -> {
      Map<List<Object>, Figures> figures = byKey(main.result());
      Map<List<Object>, Figures> compared = byKey(other.result());
      List<List<Object>> keys = new ArrayList<>();
      if (attributes.isEmpty()) {
        // time alone (or nothing): every bucket is a row, zeros included
        for (int i = 0; i < query.buckets().size(); i++) {
          keys.add(query.interval() == null ? List.of() : List.of(i));
        }
      } else {
        keys.addAll(figures.keySet());
      }
      List<QueryRows.Counted> rows = new ArrayList<>(keys.size());
      for (List<Object> key : keys) {
        rows.add(new QueryRows.Counted(key, figures.getOrDefault(key, Figures.NONE),
            query.compares() ? compared.getOrDefault(key, Figures.NONE) : null));
      }
      return QueryRows.answer(query, QueryRows.orderAndPage(query, rows), rows.size());
    }, false));
  }

  /** The grouped rows of one range: the matching pageviews' and the sessions' (none when no figure counts sessions). */
  private record Grouped(List<JsonNode> views, List<JsonNode> sessions) {}

  /** The grouped rows of each statement over one range's buckets. */
  private Future<Grouped> figures(List<Query.Bucket> buckets) {
    long from = buckets.get(0).start().toEpochMilli();
    long to = buckets.get(buckets.size() - 1).end().toEpochMilli();
    List<Param> viewParams = new ArrayList<>(List.of(Param.text(query.site()), Param.number(from), Param.number(to)));
    // Per row key and visitor first: a visitor counts where any of their matching pageviews survives
    // the retractions, so visitors are exact (a sketch cannot take back a retracted row's visitor).
    String byVisitor = "SELECT " + keys(bucket("__time", true, buckets)) + "vid, SUM(sign) AS pageviews"
        + " FROM " + pageviews + " WHERE site = ? AND __time >= MILLIS_TO_TIMESTAMP(?) AND __time < MILLIS_TO_TIMESTAMP(?)"
        + " AND " + predicate(query.filter(), viewParams) + " GROUP BY " + positions(groupNames().size() + 1) + " HAVING SUM(sign) > 0";
    String viewSql = "SELECT " + String.join(", ", groupNames()) + ", SUM(pageviews) AS pageviews, COUNT(*) AS visitors"
        + " FROM (" + byVisitor + ") GROUP BY " + String.join(", ", groupNames()) + " LIMIT " + (MAX_ROWS + 1);
    Future<List<JsonNode>> views = sql.query(viewSql, viewParams).map(DruidQueryScan::withinRowLimit);
    Future<List<JsonNode>> sessions = query.countsSessions() ? sessionFigures(buckets, from, to) : Future.succeededFuture(List.of());
    return Future.all(views, sessions).map(all -> new Grouped(views.result(), sessions.result()));
  }

  /** The figures of each row key: a key's rows (one per shard without keys) summed. */
  private Map<List<Object>, Figures> byKey(Grouped grouped) {
    Map<List<Object>, Figures> byKey = new LinkedHashMap<>();
    for (JsonNode row : grouped.views()) {
      byKey.merge(key(row), new Figures(row.path("pageviews").asLong(), row.path("visitors").asLong(), 0, 0, 0, 0), DruidQueryScan::sum);
    }
    for (JsonNode row : grouped.sessions()) {
      byKey.merge(key(row), new Figures(0, 0, row.path("sessions").asLong(), row.path("durationMs").asLong(), row.path("bounces").asLong(),
          row.path("exits").asLong()), DruidQueryScan::sum);
    }
    return byKey;
  }

  /**
   * Per row key: the sessions started in range holding a matching pageview, their total length,
   * bounces and exits at the row's page. Grouped first by session version (its start, length,
   * pageview count and exit), so that a retracted version's rows sum to 0 and drop out.
   */
  private Future<List<JsonNode>> sessionFigures(List<Query.Bucket> buckets, long from, long to) {
    List<Param> sessionParams = new ArrayList<>(List.of(Param.text(query.site()), Param.number(from), Param.number(to),
        Param.number(from), Param.number(to + SESSION_REACH_MILLIS)));
    String filter = predicate(query.filter(), sessionParams);
    int page = attributes.indexOf(Dimension.PAGE);
    // One row per surviving session version and row key: a retracted version's rows cancel to 0.
    String versions = "SELECT " + keys(bucket("sessionStart", false, buckets)) + "vid, sessionStart, durationMs, sessionPageviews,"
        + " \"exit\" AS sessionExit FROM " + pageviews + " WHERE site = ? AND sessionStart >= ? AND sessionStart < ?"
        + " AND __time >= MILLIS_TO_TIMESTAMP(?) AND __time < MILLIS_TO_TIMESTAMP(?) AND " + filter
        + " GROUP BY " + positions(groupNames().size() + 5)
        + " HAVING SUM(sign) > 0";
    String grouped = "SELECT " + String.join(", ", groupNames()) + ", COUNT(*) AS sessions, SUM(durationMs) AS durationMs,"
        + " SUM(CASE WHEN sessionPageviews = 1 THEN 1 ELSE 0 END) AS bounces,"
        + (page < 0 ? " 0" : " SUM(CASE WHEN sessionExit = a" + page + " THEN 1 ELSE 0 END)") + " AS exits"
        + " FROM (" + versions + ") GROUP BY " + String.join(", ", groupNames()) + " LIMIT " + (MAX_ROWS + 1);
    return sql.query(grouped, sessionParams).map(DruidQueryScan::withinRowLimit);
  }

  private static Figures sum(Figures a, Figures b) {
    return new Figures(a.pageviews() + b.pageviews(), a.visitors() + b.visitors(), a.sessions() + b.sessions(),
        a.durationMillis() + b.durationMillis(), a.bounces() + b.bounces(), a.exits() + b.exits());
  }

  /** The grouped rows, or a 400 when there are more than this store orders and pages in memory. */
  private static List<JsonNode> withinRowLimit(List<JsonNode> rows) {
    if (rows.size() > MAX_ROWS) {
      throw new ApiException(400, "too_many_rows", "the question has more than " + MAX_ROWS + " rows at scale (store druid orders and"
          + " pages them in memory): narrow the range, the filter or the dimensions");
    }
    return rows;
  }

  /** The bucket index of a row by the buckets' ends (computed numbers, never user text), or null without a time dimension. */
  private String bucket(String column, boolean timestamp, List<Query.Bucket> buckets) {
    if (query.interval() == null) {
      return null;
    }
    StringBuilder bucket = new StringBuilder("CASE");
    for (int i = 0; i < buckets.size(); i++) {
      long end = buckets.get(i).end().toEpochMilli();
      bucket.append(" WHEN ").append(column).append(" < ").append(timestamp ? "MILLIS_TO_TIMESTAMP(" + end + ")" : end)
          .append(" THEN ").append(i);
    }
    return bucket.append(" END").toString();
  }

  /**
   * {@code <bucket> AS b, path AS a0, ...}: the key expressions in the query's order, each followed by
   * a comma; without any, the visitor id's first character as {@code shard} ({@link #groupNames}).
   */
  private String keys(String bucket) {
    StringBuilder keys = new StringBuilder();
    if (bucket != null) {
      keys.append(bucket).append(" AS b, ");
    }
    for (int i = 0; i < attributes.size(); i++) {
      keys.append(COLUMNS.get(attributes.get(i))).append(" AS a").append(i).append(", ");
    }
    if (keys.isEmpty()) {
      keys.append("SUBSTRING(vid, 1, 1) AS shard, ");
    }
    return keys.toString();
  }

  /**
   * The columns the outer statements group by: the row keys, or without any a shard of the visitors
   * (its rows summed here). Never none: an aggregate over a grouped subquery without a key of its own
   * is planned by Druid as a timeseries query, which holds the subquery's rows on the broker (at most
   * 100,000 by default: a visitor or session each); a groupBy over a groupBy streams them.
   */
  private List<String> groupNames() {
    List<String> names = new ArrayList<>();
    if (query.interval() != null) {
      names.add("b");
    }
    for (int i = 0; i < attributes.size(); i++) {
      names.add("a" + i);
    }
    if (names.isEmpty()) {
      names.add("shard");
    }
    return names;
  }

  /** {@code 1, 2, ..., count}: the first columns by position, as Druid groups by them. */
  private static String positions(int count) {
    List<String> positions = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      positions.add(Integer.toString(i));
    }
    return String.join(", ", positions);
  }

  private List<Object> key(JsonNode row) {
    List<Object> key = new ArrayList<>(query.dimensions().size());
    int attribute = 0;
    for (GroupBy dimension : query.dimensions()) {
      key.add(dimension.isTime() ? (Object) row.path("b").asInt() : row.path("a" + attribute++).asText());
    }
    return key;
  }

  /** The filter as Druid SQL over a session pageview row, its values appended to the parameters in order. */
  private static String predicate(Filter filter, List<Param> params) {
    if (filter == null) {
      return "TRUE";
    }
    if (filter instanceof Filter.And and) {
      return "(" + String.join(" AND ", and.filters().stream().map(f -> predicate(f, params)).toList()) + ")";
    } else if (filter instanceof Filter.Or or) {
      return "(" + String.join(" OR ", or.filters().stream().map(f -> predicate(f, params)).toList()) + ")";
    } else if (filter instanceof Filter.Not not) {
      return "(NOT " + predicate(not.filter(), params) + ")";
    }
    Filter.Condition condition = (Filter.Condition) filter;
    String column = COLUMNS.get(condition.dimension());
    List<String> tests = new ArrayList<>();
    for (String value : condition.values()) {
      // CONTAINS_STRING is a plain, case-sensitive substring test: no pattern characters
      tests.add(condition.operator().substring() ? "CONTAINS_STRING(" + column + ", ?)" : column + " = ?");
      params.add(Param.text(value));
    }
    String any = "(" + String.join(" OR ", tests) + ")";
    return condition.operator().negated() ? "(NOT " + any + ")" : any;
  }
}
