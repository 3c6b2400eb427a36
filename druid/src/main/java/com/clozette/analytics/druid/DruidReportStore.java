package com.clozette.analytics.druid;

import com.clozette.analytics.aggregator.query.Figures;
import com.clozette.analytics.aggregator.query.Metric;
import com.clozette.analytics.aggregator.query.Query;
import com.clozette.analytics.aggregator.query.QueryResult;
import com.clozette.analytics.aggregator.query.QueryRows;
import com.clozette.analytics.aggregator.report.Dimension;
import com.clozette.analytics.aggregator.report.Interval;
import com.clozette.analytics.aggregator.report.PageCount;
import com.clozette.analytics.aggregator.report.Queries;
import com.clozette.analytics.aggregator.report.Rates;
import com.clozette.analytics.aggregator.report.Report;
import com.clozette.analytics.aggregator.report.ReportQuery;
import com.clozette.analytics.aggregator.report.ReportStore;
import com.clozette.analytics.aggregator.report.Results;
import com.clozette.analytics.druid.DruidSql.Param;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The report seam answered by Druid SQL. Pageviews come from the rolled-up events datasource (a
 * count per minute and dimensions), sessions, durations, bounces, entry and exit pages and sessions by
 * their first pageview's dimensions from the signed session rows (sums over {@code sign}: exact,
 * whatever late events retracted), and unique visitors from the HLL sketch of the visitor id:
 * approximate, and said so in the answer.
 *
 * <p>Exact for ranges on whole minutes (the events datasource's query granularity), which every range
 * of the API is when given as dates or minute times.
 */
public final class DruidReportStore implements ReportStore {
  /**
   * lgK of the visitor sketch: 2^12 buckets. The relative standard error of a merged HLL sketch is
   * 1.04 / sqrt(2^lgK); the HIP estimator's lower error is lost on merging (one sketch per segment
   * is built, then merged), which every query does.
   */
  static final int SKETCH_LG_K = 12;
  /**
   * Unique visitors: an HLL sketch of the {@code vid} dimension built at query time. Not a sketch
   * column built at ingestion: while a realtime segment holds both persisted and in-memory parts,
   * Druid before apache/druid#18879 reports two types for such a column, the broker drops it from
   * its SQL schema, and every query naming it fails until handoff (about an hour).
   */
  private static final String VISITORS = "APPROX_COUNT_DISTINCT_DS_HLL(vid, " + SKETCH_LG_K + ", 'HLL_4')";
  public static final double VISITORS_RSE = Report.round6(1.04 / Math.sqrt(1 << SKETCH_LG_K));

  private final Vertx vertx;
  private final DruidSql sql;
  private final String events;
  private final String sessions;
  private final String pageviews;

  public DruidReportStore(Vertx vertx, DruidSql sql, DruidSettings settings) {
    this.vertx = vertx;
    this.sql = sql;
    this.events = quote(settings.eventsDatasource());
    this.sessions = quote(settings.sessionsDatasource());
    this.pageviews = quote(settings.pageviewsDatasource());
  }

  @Override
  public Future<Report> report(ReportQuery query) {
    List<Param> range = range(query.site(), query.from(), query.to());
    Future<List<JsonNode>> pageviews = sql.query("SELECT SUM(\"events\") AS pageviews, " + VISITORS + " AS visitors"
        + " FROM " + events + " WHERE " + COUNTED_PAGEVIEWS, range);
    Future<List<JsonNode>> sessionTotals = sql.query("SELECT SUM(sign) AS sessions, SUM(sign * durationMs) AS duration,"
        + " SUM(sign * bounce) AS bounces FROM " + sessions + " WHERE " + IN_RANGE, range);
    Future<List<PageCount>> entries = topPages("entry", query, range);
    Future<List<PageCount>> exits = topPages("exit", query, range).compose(pages -> withExitRates(pages, range));
    return Future.all(pageviews, sessionTotals, entries, exits).map(all -> {
      JsonNode views = first(pageviews.result());
      JsonNode totals = first(sessionTotals.result());
      Figures t = figures(views, totals);
      return new Report(query.site(), query.from().toString(), query.to().toString(), t.pageviews(), t.visitors(), t.sessions(),
          Metric.AVG_SESSION_SECONDS.of(t).doubleValue(), Metric.AVG_TIME_PER_VISITOR_SECONDS.of(t).doubleValue(),
          Metric.BOUNCE_RATE.of(t).doubleValue(), entries.result(), exits.result(), true, VISITORS_RSE);
    });
  }

  /**
   * The report's figures of each bucket [start, end) (consecutive, together a range): pageviews and
   * visitors from the events datasource, sessions from the signed session rows, as the report reads them.
   */
  private Future<List<Figures>> bucketFigures(String site, List<long[]> buckets) {
    if (buckets.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    // The bucket of a row by the same zone-aligned boundaries as the embedded store, whatever the
    // zone or interval; the boundaries are computed numbers, never user text.
    StringBuilder bucket = new StringBuilder("CASE");
    for (int i = 0; i < buckets.size(); i++) {
      bucket.append(" WHEN __time < MILLIS_TO_TIMESTAMP(").append(buckets.get(i)[1]).append(") THEN ").append(i);
    }
    bucket.append(" END");
    List<Param> range = List.of(Param.text(site), Param.number(buckets.get(0)[0]), Param.number(buckets.get(buckets.size() - 1)[1]));
    Future<List<JsonNode>> views = sql.query("SELECT " + bucket + " AS b, SUM(\"events\") AS pageviews,"
        + " " + VISITORS + " AS visitors FROM " + events + " WHERE " + COUNTED_PAGEVIEWS + " GROUP BY 1", range);
    Future<List<JsonNode>> totals = sql.query("SELECT " + bucket + " AS b, SUM(sign) AS sessions, SUM(sign * durationMs) AS duration,"
        + " SUM(sign * bounce) AS bounces FROM " + sessions + " WHERE " + IN_RANGE + " GROUP BY 1", range);
    return Future.all(views, totals).map(all -> {
      Map<Integer, JsonNode> viewRows = byBucket(views.result());
      Map<Integer, JsonNode> sessionRows = byBucket(totals.result());
      List<Figures> figures = new ArrayList<>(buckets.size());
      for (int i = 0; i < buckets.size(); i++) {
        figures.add(figures(viewRows.getOrDefault(i, EMPTY), sessionRows.getOrDefault(i, EMPTY)));
      }
      return figures;
    });
  }

  private static Figures figures(JsonNode views, JsonNode sessions) {
    return new Figures(views.path("pageviews").asLong(0), views.path("visitors").asLong(0), sessions.path("sessions").asLong(0),
        sessions.path("duration").asLong(0), sessions.path("bounces").asLong(0), 0);
  }

  /**
   * The events column each page-view dimension groups by, null-coalesced as the embedded store does.
   * The events datasource has every page-view dimension.
   */
  private static final Map<Dimension, String> VIEW_KEYS = Map.of(
      Dimension.PAGE, "path",
      Dimension.PLATFORM, "platform",
      Dimension.DEVICE, "COALESCE(device, 'Unknown')",
      Dimension.BROWSER, "COALESCE(browser, 'Unknown')",
      Dimension.OS, "COALESCE(os, 'Unknown')");

  /**
   * The sessions column each page-view dimension with session counts groups by: the session rows
   * carry their first pageview's platform, device, browser and OS, already coalesced as the
   * embedded store coalesces them. A page has pageviews only.
   */
  private static final Map<Dimension, String> VIEW_SESSION_KEYS = Map.of(
      Dimension.PLATFORM, "platform",
      Dimension.DEVICE, "device",
      Dimension.BROWSER, "browser",
      Dimension.OS, "os");

  /**
   * The sessions column each session-only dimension groups by; the referrer host and UTM source of a
   * session are its first pageview's, already coalesced to '(direct)' and '(none)'.
   */
  private static final Map<Dimension, String> SESSION_KEYS = Map.of(
      Dimension.ENTRY, "entry",
      Dimension.EXIT, "exit",
      Dimension.REFERRER, "refHost",
      Dimension.UTM_SOURCE, "utmSource");

  /**
   * Page-view dimensions from the events datasource (pageviews exact, visitors from the sketch), with
   * exact session counts from the signed session rows for platform, device, browser and OS; entry,
   * exit, referrer and UTM source from the signed session rows alone (sessions and visitors exact).
   * Ordered, paged and counted like the embedded store: most pageviews (or sessions) first, then by key.
   */
  @Override
  public Future<Results.Breakdown> breakdown(Queries.Breakdown query) {
    List<Param> range = range(query.site(), query.from(), query.to());
    if (VIEW_SESSION_KEYS.containsKey(query.by())) {
      return viewsWithSessions(query, range);
    }
    String grouped;
    String order;
    if (SESSION_KEYS.containsKey(query.by())) {
      // Net sessions per key and visitor first: a visitor counts for a key while any of their
      // sessions there survives the retractions, so visitors are exact too.
      grouped = "SELECT \"key\", SUM(n) AS sessions, COUNT(*) AS visitors FROM (SELECT " + SESSION_KEYS.get(query.by())
          + " AS \"key\", vid, SUM(sign) AS n FROM " + sessions + " WHERE " + IN_RANGE + " GROUP BY 1, 2 HAVING SUM(sign) > 0)"
          + " GROUP BY 1";
      order = "sessions DESC";
    } else {
      grouped = viewsGrouped(query.by());
      order = "pageviews DESC";
    }
    // limit and offset are validated integers, never user text
    Future<List<JsonNode>> page = sql.query("SELECT * FROM (" + grouped + ") ORDER BY " + order + ", \"key\" ASC"
        + " LIMIT " + query.limit() + (query.offset() > 0 ? " OFFSET " + query.offset() : ""), range);
    Future<List<JsonNode>> keys = sql.query("SELECT COUNT(*) AS total FROM (" + grouped + ")", range);
    return Future.all(page, keys).map(all -> {
      List<Results.BreakdownRow> rows = page.result().stream().map(row -> new Results.BreakdownRow(row.path("key").asText(),
          nullableLong(row, "pageviews"), row.path("visitors").asLong(), nullableLong(row, "sessions"))).toList();
      return new Results.Breakdown(query.site(), query.from().toString(), query.to().toString(), query.by().wireName(), rows,
          first(keys.result()).path("total").asLong(0));
    });
  }

  private String viewsGrouped(Dimension by) {
    return "SELECT " + VIEW_KEYS.get(by) + " AS \"key\", SUM(\"events\") AS pageviews,"
        + " " + VISITORS + " AS visitors FROM " + events + " WHERE " + COUNTED_PAGEVIEWS + " GROUP BY 1";
  }

  /**
   * Pageviews and visitors per key from the events datasource joined with net sessions per key from
   * the session rows, as the embedded store's full join: a key with sessions but no pageview in the
   * range (its session started in the range with a non-pageview event, its first pageview after the
   * range) has null pageviews and visitors. Joined here rather than in Druid: these dimensions have a
   * handful of values each (client classifications), so both sides are small whole answers.
   */
  private Future<Results.Breakdown> viewsWithSessions(Queries.Breakdown query, List<Param> range) {
    Future<List<JsonNode>> views = sql.query(viewsGrouped(query.by()), range);
    Future<List<JsonNode>> counts = sql.query("SELECT " + VIEW_SESSION_KEYS.get(query.by()) + " AS \"key\", SUM(sign) AS sessions FROM "
        + sessions + " WHERE " + IN_RANGE + " GROUP BY 1 HAVING SUM(sign) <> 0", range);
    return Future.all(views, counts).map(all -> {
      Map<String, Results.BreakdownRow> byKey = new HashMap<>();
      for (JsonNode row : views.result()) {
        String key = row.path("key").asText();
        byKey.put(key, new Results.BreakdownRow(key, row.path("pageviews").asLong(), row.path("visitors").asLong(), null));
      }
      for (JsonNode row : counts.result()) {
        String key = row.path("key").asText();
        Results.BreakdownRow viewed = byKey.get(key);
        byKey.put(key, new Results.BreakdownRow(key, viewed == null ? null : viewed.pageviews(), viewed == null ? null : viewed.visitors(),
            row.path("sessions").asLong()));
      }
      List<Results.BreakdownRow> rows = byKey.values().stream().sorted(EMBEDDED_ORDER).skip(query.offset()).limit(query.limit()).toList();
      return new Results.Breakdown(query.site(), query.from().toString(), query.to().toString(), query.by().wireName(), rows, byKey.size());
    });
  }

  /** The embedded store's order: pageviews descending, then sessions descending (nulls last in both), then key. */
  private static final Comparator<Results.BreakdownRow> EMBEDDED_ORDER = Comparator
      .comparing(Results.BreakdownRow::pageviews, Comparator.nullsLast(Comparator.reverseOrder()))
      .thenComparing(Results.BreakdownRow::sessions, Comparator.nullsLast(Comparator.reverseOrder()))
      .thenComparing(Results.BreakdownRow::key);

  /**
   * How long before its first pageview a session may have started and still be found by
   * {@link #visitors}: one day. The query for new visitors scans session rows from {@code from}
   * minus this bound (a row's time is its session's first event, never after the first pageview it
   * holds), which keeps Druid from reading all history. A session whose first event precedes its
   * first pageview by a day or more (a day of pings or custom events, each within 30 minutes of the
   * last, before any pageview) would not count its visitor as new; no real traffic does that.
   */
  static final long FIRST_VIEW_SESSION_BOUND_MILLIS = Duration.ofDays(1).toMillis();

  /**
   * Visitors (from the sketch of the counted pageviews, as in {@link #report}), exact sessions (sum
   * of {@code sign}), and exact new visitors: distinct visitors with a surviving session row (net
   * {@code SUM(sign) > 0}) whose {@code firstViewTs} (the visitor's first pageview ever, non-zero on
   * exactly one surviving row per visitor) lies in the range. Returning visitors are visitors minus
   * new ones, at least 0, and sessions per visitor are sessions over visitors: both built on the
   * estimate, so the answer says {@code visitorsApprox} with the sketch's relative standard error.
   */
  @Override
  public Future<Results.VisitorSummary> visitors(Queries.Visitors query) {
    List<Param> range = range(query.site(), query.from(), query.to());
    long from = query.from().toEpochMilli();
    long to = query.to().toEpochMilli();
    Future<List<JsonNode>> views = sql.query("SELECT " + VISITORS + " AS visitors FROM " + events
        + " WHERE " + COUNTED_PAGEVIEWS, range);
    Future<List<JsonNode>> totals = sql.query("SELECT SUM(sign) AS sessions FROM " + sessions + " WHERE " + IN_RANGE, range);
    Future<List<JsonNode>> fresh = sql.query("SELECT COUNT(*) AS newVisitors FROM (SELECT vid FROM " + sessions
        + " WHERE site = ? AND firstViewTs >= ? AND firstViewTs < ?"
        + " AND __time >= MILLIS_TO_TIMESTAMP(?) AND __time < MILLIS_TO_TIMESTAMP(?) GROUP BY vid HAVING SUM(sign) > 0)",
        List.of(Param.text(query.site()), Param.number(from), Param.number(to), Param.number(from - FIRST_VIEW_SESSION_BOUND_MILLIS),
            Param.number(to)));
    return Future.all(views, totals, fresh).map(all -> {
      long visitors = first(views.result()).path("visitors").asLong(0);
      long sessionCount = first(totals.result()).path("sessions").asLong(0);
      long newVisitors = first(fresh.result()).path("newVisitors").asLong(0);
      return new Results.VisitorSummary(query.site(), query.from().toString(), query.to().toString(), visitors, newVisitors,
          Math.max(0, visitors - newVisitors), sessionCount, visitors == 0 ? 0.0 : Report.round6((double) sessionCount / visitors),
          true, VISITORS_RSE);
    });
  }

  /**
   * Bot pageviews by name and rule from the events datasource: exact, as its rows keep {@code bot},
   * {@code botSource} and {@code browser} (the bot's name) as dimensions. An events supervisor
   * submitted before {@code botSource} existed is left alone, and this query then fails: replace it.
   */
  @Override
  public Future<Results.BotTraffic> bots(Queries.Bots query) {
    List<Param> params = new java.util.ArrayList<>(range(query.site(), query.from(), query.to()));
    params.add(Param.number(query.limit()));
    return sql.query("SELECT COALESCE(browser, 'Unknown') AS name, COALESCE(botSource, 'unknown') AS source, SUM(\"events\") AS pageviews"
        + " FROM " + events + " WHERE " + IN_RANGE + " AND \"type\" = 'pageview' AND bot = 'true'"
        + " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT ?", params)
        .map(rows -> new Results.BotTraffic(query.site(), query.from().toString(), query.to().toString(), rows.stream()
            .map(row -> new Results.BotRow(row.path("name").asText(), row.path("source").asText(), row.path("pageviews").asLong()))
            .toList()));
  }

  /**
   * Visitors (any counted event, from the sketch) and pageviews from the start of the window up to
   * now. Minute-aligned at scale: the events datasource keeps minutes, so the window starts at the
   * beginning of the minute {@code window} ago and may hold up to a minute more than the embedded
   * store's; and events reach Druid seconds after they were acknowledged.
   */
  @Override
  public Future<Results.Realtime> realtime(String site, Duration window) {
    long now = System.currentTimeMillis();
    long from = Math.floorDiv(now - window.toMillis(), MINUTE_MILLIS) * MINUTE_MILLIS;
    return sql.query("SELECT " + VISITORS + " AS visitors,"
        + " SUM(CASE WHEN \"type\" = 'pageview' THEN \"events\" ELSE 0 END) AS pageviews FROM " + events
        + " WHERE site = ? AND bot = 'false' AND __time >= MILLIS_TO_TIMESTAMP(?) AND __time <= MILLIS_TO_TIMESTAMP(?)",
        List.of(Param.text(site), Param.number(from), Param.number(now))).map(rows -> {
          JsonNode row = first(rows);
          return new Results.Realtime(site, (int) window.toSeconds(), row.path("visitors").asLong(0), row.path("pageviews").asLong(0),
              Instant.ofEpochMilli(now).toString());
        });
  }

  /**
   * The partner's page export, as the embedded store computes it: per day of the site's zone (clipped
   * to the range), the entry and exit pages of the sessions starting that day and the viewed pages,
   * each kind's rows with at least {@code smallCellK} visitors ranked by count (then path) and the
   * first {@code top} kept, everything else folded into one {@code (other)} row per day and kind, so a
   * day's rows add up to its exact totals.
   *
   * <p>Entry and exit rows come from the signed session rows: sessions and visitors (distinct
   * visitors with a surviving session there) are exact, so is the small-cell test. Page rows come
   * from the events datasource: pageviews exact, visitors from the HLL sketch; the small-cell
   * threshold then applies to that estimate. Sketches of a few hundred visitors or fewer (every cell
   * near any sensible k) are in the sketch's coupon modes, whose estimates are exact but for hash
   * collisions, so cells near the threshold are kept or folded as the embedded store does; larger
   * counts carry the sketch's relative standard error ({@link #VISITORS_RSE}).
   */
  @Override
  public Future<List<Results.PageRow>> pageExport(Queries.PageExport query) {
    List<Instant> boundaries = Interval.DAY.boundaries(query.from(), query.to(), query.zone());
    List<Day> days = new ArrayList<>();
    for (int i = 0; i + 1 < boundaries.size(); i++) {
      long start = Math.max(query.from().toEpochMilli(), boundaries.get(i).toEpochMilli());
      long end = Math.min(query.to().toEpochMilli(), boundaries.get(i + 1).toEpochMilli());
      days.add(new Day(boundaries.get(i).atZone(query.zone()).toLocalDate().toString(), start, end));
    }
    if (days.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    // The day of a row by the zone's day boundaries, computed numbers, never user text.
    StringBuilder bucket = new StringBuilder("CASE");
    for (int i = 0; i < days.size(); i++) {
      bucket.append(" WHEN __time < MILLIS_TO_TIMESTAMP(").append(days.get(i).end()).append(") THEN ").append(i);
    }
    bucket.append(" END");
    List<Param> range = range(query.site(), query.from(), query.to());
    Future<List<Cell>> entries = sessionCells("entry", bucket, range);
    Future<List<Cell>> exits = sessionCells("exit", bucket, range);
    Future<List<Cell>> pages = sql.query("SELECT " + bucket + " AS b, path, SUM(\"events\") AS n,"
        + " " + VISITORS + " AS visitors FROM " + events + " WHERE " + COUNTED_PAGEVIEWS + " GROUP BY 1, 2", range)
        .map(DruidReportStore::cells);
    return Future.all(entries, exits, pages).compose(all -> {
      Folding entry = fold(entries.result(), query);
      Folding exit = fold(exits.result(), query);
      Folding page = fold(pages.result(), query);
      Future<Map<Integer, Long>> entryOthers = otherSessionVisitors("entry", bucket, range, entry);
      Future<Map<Integer, Long>> exitOthers = otherSessionVisitors("exit", bucket, range, exit);
      Future<Map<Integer, Long>> pageOthers = otherPageVisitors(bucket, range, page, days);
      return Future.all(entryOthers, exitOthers, pageOthers).map(others -> {
        List<Results.PageRow> rows = new ArrayList<>();
        for (int day = 0; day < days.size(); day++) {
          String name = days.get(day).name();
          entry.rows(day, name, "entry", entryOthers.result(), rows);
          exit.rows(day, name, "exit", exitOthers.result(), rows);
          page.rows(day, name, "page", pageOthers.result(), rows);
        }
        return rows;
      });
    });
  }

  /** A day of the export: its name in the site's zone and its part of the range. */
  private record Day(String name, long start, long end) {}

  /** A (day, path) cell of one kind: its sessions or pageviews and its visitors. */
  private record Cell(int day, String path, long count, long visitors) {}

  private static final Comparator<Cell> BY_COUNT = Comparator.comparingLong(Cell::count).reversed().thenComparing(Cell::path);

  private static List<Cell> cells(List<JsonNode> rows) {
    List<Cell> cells = new ArrayList<>(rows.size());
    for (JsonNode row : rows) {
      if (!row.path("b").isNull()) {
        cells.add(new Cell(row.path("b").asInt(), row.path("path").asText(), row.path("n").asLong(), row.path("visitors").asLong()));
      }
    }
    return cells;
  }

  /** Net sessions and visitors (with a surviving session there) per day and entry or exit page: exact. */
  private Future<List<Cell>> sessionCells(String column, CharSequence bucket, List<Param> range) {
    return sql.query("SELECT b, path, SUM(n) AS n, COUNT(*) AS visitors FROM (" + netSessions(column, bucket) + ") GROUP BY 1, 2", range)
        .map(DruidReportStore::cells);
  }

  /** Net sessions per day, page and visitor, surviving ones only. */
  private String netSessions(String column, CharSequence bucket) {
    return "SELECT " + bucket + " AS b, \"" + column + "\" AS path, vid, SUM(sign) AS n FROM " + sessions + " WHERE " + IN_RANGE
        + " GROUP BY 1, 2, 3 HAVING SUM(sign) > 0";
  }

  /** One kind's cells split into the kept rows per day and the folded rest. */
  private record Folding(Map<Integer, List<Cell>> kept, Map<Integer, Long> folded) {
    void rows(int day, String name, String kind, Map<Integer, Long> otherVisitors, List<Results.PageRow> rows) {
      boolean pages = kind.equals("page");
      for (Cell cell : kept.getOrDefault(day, List.of())) {
        rows.add(new Results.PageRow(name, kind, cell.path(), pages ? cell.count() : null, pages ? null : cell.count(), cell.visitors()));
      }
      Long count = folded.get(day);
      if (count != null) {
        rows.add(new Results.PageRow(name, kind, OTHER, pages ? count : null, pages ? null : count, otherVisitors.getOrDefault(day, 0L)));
      }
    }
  }

  private static final String OTHER = "(other)";

  /** The embedded store's rule: per day, cells with at least k visitors, ranked by count then path, the first top kept. */
  private static Folding fold(List<Cell> cells, Queries.PageExport query) {
    Map<Integer, List<Cell>> byDay = new HashMap<>();
    cells.forEach(cell -> byDay.computeIfAbsent(cell.day(), d -> new ArrayList<>()).add(cell));
    Map<Integer, List<Cell>> kept = new HashMap<>();
    Map<Integer, Long> folded = new HashMap<>();
    byDay.forEach((day, dayCells) -> {
      dayCells.sort(BY_COUNT);
      List<Cell> keep = new ArrayList<>();
      long rest = 0;
      boolean any = false;
      for (Cell cell : dayCells) {
        if (cell.visitors() >= query.smallCellK() && keep.size() < query.top()) {
          keep.add(cell);
        } else {
          rest += cell.count();
          any = true;
        }
      }
      kept.put(day, keep);
      if (any) {
        folded.put(day, rest);
      }
    });
    return new Folding(kept, folded);
  }

  /**
   * A filter for the rows of folded cells: each day (by {@code dayCondition}, computed numbers)
   * outside its kept paths. The paths travel as parameters, appended to {@code params}.
   */
  private static String foldedFilter(Folding folding, java.util.function.IntFunction<String> dayCondition, List<Param> params) {
    StringBuilder filter = new StringBuilder("(");
    boolean firstDay = true;
    for (int day : new java.util.TreeSet<>(folding.folded().keySet())) {
      filter.append(firstDay ? "(" : " OR (").append(dayCondition.apply(day));
      List<Cell> kept = folding.kept().getOrDefault(day, List.of());
      if (!kept.isEmpty()) {
        filter.append(" AND path NOT IN (");
        for (int i = 0; i < kept.size(); i++) {
          filter.append(i == 0 ? "?" : ", ?");
          params.add(Param.text(kept.get(i).path()));
        }
        filter.append(")");
      }
      filter.append(")");
      firstDay = false;
    }
    return filter.append(")").toString();
  }

  /** Exact visitors with a surviving session in a folded entry or exit cell, per day. */
  private Future<Map<Integer, Long>> otherSessionVisitors(String column, CharSequence bucket, List<Param> range, Folding folding) {
    if (folding.folded().isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<Param> params = new ArrayList<>(range);
    String filter = foldedFilter(folding, day -> "b = " + day, params);
    return sql.query("SELECT b, COUNT(*) AS visitors FROM (SELECT b, vid FROM (" + netSessions(column, bucket) + ") WHERE " + filter
        + " GROUP BY 1, 2) GROUP BY 1", params).map(DruidReportStore::countsByDay);
  }

  /** Visitors of the folded viewed pages per day, from the sketch. */
  private Future<Map<Integer, Long>> otherPageVisitors(CharSequence bucket, List<Param> range, Folding folding, List<Day> days) {
    if (folding.folded().isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<Param> params = new ArrayList<>(range);
    String filter = foldedFilter(folding, day -> "__time >= MILLIS_TO_TIMESTAMP(" + days.get(day).start()
        + ") AND __time < MILLIS_TO_TIMESTAMP(" + days.get(day).end() + ")", params);
    return sql.query("SELECT " + bucket + " AS b, " + VISITORS + " AS visitors FROM " + events
        + " WHERE " + COUNTED_PAGEVIEWS + " AND " + filter + " GROUP BY 1", params).map(DruidReportStore::countsByDay);
  }

  private static Map<Integer, Long> countsByDay(List<JsonNode> rows) {
    Map<Integer, Long> counts = new HashMap<>();
    byBucket(rows).forEach((day, row) -> counts.put(day, row.path("visitors").asLong()));
    return counts;
  }

  private Future<List<PageCount>> topPages(String column, ReportQuery query, List<Param> range) {
    return sql.query("SELECT \"" + column + "\" AS path, SUM(sign) AS sessions FROM " + sessions + " WHERE " + IN_RANGE
        + " GROUP BY 1 HAVING SUM(sign) > 0 ORDER BY sessions DESC, path ASC LIMIT " + query.top(), range)
        .map(rows -> rows.stream().map(row -> new PageCount(row.path("path").asText(), row.path("sessions").asLong(), null)).toList());
  }

  private Future<List<PageCount>> withExitRates(List<PageCount> exits, List<Param> range) {
    if (exits.isEmpty()) {
      return Future.succeededFuture(exits);
    }
    List<Param> params = new ArrayList<>(range);
    StringBuilder in = new StringBuilder();
    for (PageCount exit : exits) {
      in.append(in.isEmpty() ? "?" : ", ?");
      params.add(Param.text(exit.path()));
    }
    return sql.query("SELECT path, SUM(\"events\") AS pageviews FROM " + events + " WHERE " + COUNTED_PAGEVIEWS
        + " AND path IN (" + in + ") GROUP BY 1", params).map(rows -> {
          Map<String, Long> views = new HashMap<>();
          rows.forEach(row -> views.put(row.path("path").asText(), row.path("pageviews").asLong()));
          return exits.stream().map(exit -> {
            long pathViews = views.getOrDefault(exit.path(), 0L);
            return new PageCount(exit.path(), exit.sessions(), Rates.exitRate(exit.sessions(), pathViews));
          }).toList();
        });
  }

  private static final String IN_RANGE = "site = ? AND __time >= MILLIS_TO_TIMESTAMP(?) AND __time < MILLIS_TO_TIMESTAMP(?)";
  private static final String COUNTED_PAGEVIEWS = IN_RANGE + " AND \"type\" = 'pageview' AND bot = 'false'";
  private static final long MINUTE_MILLIS = 60_000;
  private static final JsonNode EMPTY = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();

  private static List<Param> range(String site, Instant from, Instant to) {
    return List.of(Param.text(site), Param.number(from.toEpochMilli()), Param.number(to.toEpochMilli()));
  }

  private static JsonNode first(List<JsonNode> rows) {
    return rows.isEmpty() ? EMPTY : rows.get(0);
  }

  private static Long nullableLong(JsonNode row, String field) {
    JsonNode value = row.path(field);
    return value.isMissingNode() || value.isNull() ? null : value.asLong();
  }

  private static Map<Integer, JsonNode> byBucket(List<JsonNode> rows) {
    Map<Integer, JsonNode> byBucket = new HashMap<>();
    for (JsonNode row : rows) {
      if (!row.path("b").isNull()) {
        byBucket.put(row.path("b").asInt(), row);
      }
    }
    return byBucket;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /**
   * Unfiltered queries grouped by nothing but time read what the reports read, so their figures are
   * the reports' own, live, visitors from the sketch; any other reads the session pageview rows
   * ({@link DruidQueryScan}), which hold a session once it is over, with exact visitors.
   */
  @Override
  public Future<QueryResult> query(Query query) {
    if (!query.rollupsAnswer()) {
      return new DruidQueryScan(vertx, sql, pageviews, query).run();
    }
    Future<List<Figures>> main = bucketFigures(query.site(), spans(query.buckets()));
    Future<List<Figures>> other = bucketFigures(query.site(), spans(query.compareBuckets()));
    return Future.all(main, other).map(all -> QueryRows.byBucket(query, main.result(), other.result()).withSketchedVisitors(VISITORS_RSE));
  }

  private static List<long[]> spans(List<Query.Bucket> buckets) {
    return buckets.stream().map(b -> new long[] {b.start().toEpochMilli(), b.end().toEpochMilli()}).toList();
  }
}
