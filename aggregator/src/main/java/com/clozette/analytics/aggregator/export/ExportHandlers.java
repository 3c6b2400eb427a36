package com.clozette.analytics.aggregator.export;

import com.clozette.analytics.aggregator.auth.AuthHandler;
import com.clozette.analytics.aggregator.auth.Principal;
import com.clozette.analytics.aggregator.auth.Role;
import com.clozette.analytics.aggregator.http.ApiException;
import com.clozette.analytics.aggregator.http.Params;
import com.clozette.analytics.aggregator.http.Sites;
import com.clozette.analytics.aggregator.report.Interval;
import com.clozette.analytics.aggregator.report.Queries;
import com.clozette.analytics.aggregator.report.ReportStore;
import com.clozette.analytics.aggregator.report.Results;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

/**
 * The research partner's aggregate exports of whole days, as CSV (header row, versioned) or JSON,
 * streamed a month of days at a time by {@link ChunkedExport}, so no range ever sits in memory.
 * Aggregates only: no visitor id, event id, IP or user agent is in any column. Small cells: page
 * rows with fewer visitors than the partner's k are folded into {@code (other)}, and a small day
 * ({@link SmallCells}) shows no figures but its date in the daily export and no rows in the page
 * export; staff exports use k = 1.
 */
public final class ExportHandlers {
  /** Of the page export: bumped when a column is added, removed or changes meaning. */
  public static final int FORMAT_VERSION = 1;
  /** Of the daily export: 2 added {@code k} and empties the figures of days with fewer than k visitors. */
  public static final int DAYS_FORMAT_VERSION = 2;
  private static final int DEFAULT_TOP = 10;

  private final ReportStore store;
  private final Sites sites;
  private final MeterRegistry metrics;
  private final java.time.Clock clock;

  public ExportHandlers(ReportStore store, Sites sites, MeterRegistry metrics, java.time.Clock clock) {
    this.store = store;
    this.sites = sites;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** {@code GET /api/v1/export}: one row per site and day. */
  public void days(RoutingContext ctx) {
    Params.Range range = daysOverForPartners(ctx, Params.grantedWholeDays(ctx, sites, metrics));
    String interval = ctx.request().getParam("interval", "day");
    if (!interval.equals("day")) {
      throw ApiException.badRequest("invalid_parameter", "interval must be day");
    }
    ExportFormat format = ExportFormat.of(ctx);
    int k = smallCellK(ctx);
    ExportWriter writer = format.writer(ctx.response(), "clozette-" + range.site() + "-days", DailyRow.COLUMNS,
        new ExportWriter.Header(DAYS_FORMAT_VERSION, range.site(), range.from().toString(), range.to().toString(), k));
    stream(ctx, writer, range, (from, to) -> store.timeSeries(new Queries.Series(range.site(), from, to, Interval.DAY, range.zone()))
        .map(series -> series.buckets().stream().map(bucket -> DailyRow.of(range.site(), bucket, range.zone(), k)).toList()));
  }

  /** {@code GET /api/v1/export/pages}: top entry, exit and viewed pages per day, small cells folded. */
  public void pages(RoutingContext ctx) {
    Params.Range range = daysOverForPartners(ctx, Params.grantedWholeDays(ctx, sites, metrics));
    int top = Params.integer(ctx, "top", DEFAULT_TOP, 1, 100);
    int k = smallCellK(ctx);
    ExportFormat format = ExportFormat.of(ctx);
    ExportWriter writer = format.writer(ctx.response(), "clozette-" + range.site() + "-pages", PageExportRow.COLUMNS,
        new ExportWriter.Header(FORMAT_VERSION, range.site(), range.from().toString(), range.to().toString(), k));
    stream(ctx, writer, range, (from, to) -> store.timeSeries(new Queries.Series(range.site(), from, to, Interval.DAY, range.zone()))
        .map(days -> SmallCells.smallDays(days, range.zone(), k))
        .compose(smallDays -> store.pageExport(new Queries.PageExport(range.site(), from, to, range.zone(), top, k))
            .map(rows -> rows.stream().filter(row -> !smallDays.contains(row.day())).map(row -> PageExportRow.of(range.site(), k, row)).toList())));
  }

  /**
   * A partner's range ends by the start of today in the site's zone: a day still going on, exported
   * again a few minutes later, would show in the difference what those minutes' few visitors did.
   */
  private Params.Range daysOverForPartners(RoutingContext ctx, Params.Range range) {
    Principal principal = ctx.get(AuthHandler.PRINCIPAL);
    Instant today = range.startOf(clock.instant().atZone(range.zone()).toLocalDate());
    if (principal.role() == Role.PARTNER && range.to().isAfter(today)) {
      throw ApiException.badRequest("day_not_over", "partner exports hold days that are over: to may be at most today ("
          + range.dateOf(today) + " in " + range.zone().getId() + ")");
    }
    return range;
  }

  private void stream(RoutingContext ctx, ExportWriter writer, Params.Range range, ChunkedExport.Rows rows) {
    String kind = ctx.currentRoute().getPath() == null ? "export" : ctx.currentRoute().getPath();
    HttpServerResponse response = ctx.response();
    new ChunkedExport(ctx.vertx().getOrCreateContext(), response, writer, range, rows, metrics.counter("analytics.export.chunks", "kind", kind))
        .run()
        .onSuccess(v -> metrics.counter("analytics.exports", "kind", kind).increment())
        .onFailure(failure -> {
          if (failure instanceof ChunkedExport.ClientGone) {
            // The client hung up (or its connection broke): nothing to answer, nothing more computed for it.
            metrics.counter("analytics.exports.aborted", "kind", kind).increment();
            if (!response.closed()) {
              response.reset();
            }
          } else if (response.headWritten()) {
            // The status line is gone: cutting the connection is how a client learns the export broke.
            response.reset();
          } else {
            ctx.fail(failure);
          }
        });
  }

  /** The partner token's k; 1 (nothing folded) for staff. */
  private static int smallCellK(RoutingContext ctx) {
    Principal principal = ctx.get(AuthHandler.PRINCIPAL);
    return principal.role() == Role.PARTNER ? principal.smallCellK() : 1;
  }

  /** A row of an export: its values in column order. */
  interface ExportRow {
    List<Object> values();
  }

  record DailyRow(List<Object> values) implements ExportRow {
    static final List<String> COLUMNS = List.of("format_version", "site", "date", "pageviews", "visitors", "sessions",
        "avg_session_seconds", "avg_time_per_visitor_seconds", "bounce_rate", "k");

    /**
     * The day's figures, or none but its date when it is a small cell ({@link SmallCells}): a day of
     * one visitor is that member's pageviews, session length and bounce (empty in CSV, absent in JSON).
     */
    static DailyRow of(String site, Results.Bucket bucket, ZoneId zone, int k) {
      String date = SmallCells.localDate(bucket, zone);
      if (SmallCells.isSmallDay(bucket, k)) {
        return new DailyRow(Arrays.asList(DAYS_FORMAT_VERSION, site, date, null, null, null, null, null, null, k));
      }
      return new DailyRow(List.of(DAYS_FORMAT_VERSION, site, date, bucket.pageviews(), bucket.visitors(), bucket.sessions(),
          bucket.avgSessionSeconds(), bucket.avgTimePerVisitorSeconds(), bucket.bounceRate(), k));
    }
  }

  record PageExportRow(List<Object> values) implements ExportRow {
    static final List<String> COLUMNS = List.of("format_version", "site", "date", "kind", "path", "pageviews", "sessions", "visitors", "k");

    static PageExportRow of(String site, int k, Results.PageRow row) {
      return new PageExportRow(Arrays.asList(FORMAT_VERSION, site, row.day(), row.kind(), row.path(),
          row.pageviews(), row.sessions(), row.visitors(), k));
    }
  }

  /** The two formats; {@code format} defaults to csv. */
  enum ExportFormat {
    CSV, JSON;

    static ExportFormat of(RoutingContext ctx) {
      return switch (ctx.request().getParam("format", "csv")) {
        case "csv" -> CSV;
        case "json" -> JSON;
        default -> throw ApiException.badRequest("invalid_parameter", "format must be csv or json");
      };
    }

    ExportWriter writer(HttpServerResponse response, String fileName, List<String> columns, ExportWriter.Header header) {
      return this == CSV ? new ExportWriter.Csv(response, fileName, columns) : new ExportWriter.Json(response, columns, header);
    }
  }
}
