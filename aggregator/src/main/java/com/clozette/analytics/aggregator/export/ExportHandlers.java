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
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Function;

/**
 * The research partner's aggregate exports, as CSV (header row, versioned) or JSON. Written a month
 * of days at a time, each chunk sent before the next is computed, so a year never sits in memory.
 * Aggregates only: no visitor id, event id, IP or user agent is in any column. Page rows with fewer
 * visitors than the partner's k are folded into {@code (other)}; staff exports use k = 1.
 */
public final class ExportHandlers {
  /** Bumped when a column is added, removed or changes meaning. */
  public static final int FORMAT_VERSION = 1;
  private static final int CHUNK_DAYS = 31;
  private static final int DEFAULT_TOP = 10;

  private final ReportStore store;
  private final Sites sites;
  private final MeterRegistry metrics;

  public ExportHandlers(ReportStore store, Sites sites, MeterRegistry metrics) {
    this.store = store;
    this.sites = sites;
    this.metrics = metrics;
  }

  /** {@code GET /api/v1/export}: one row per site and day. */
  public void days(RoutingContext ctx) {
    Params.Range range = Params.grantedRange(ctx, sites, metrics);
    String interval = ctx.request().getParam("interval", "day");
    if (!interval.equals("day")) {
      throw ApiException.badRequest("invalid_parameter", "interval must be day");
    }
    ExportFormat format = ExportFormat.of(ctx);
    ExportWriter writer = format.writer(ctx.response(), "clozette-" + range.site() + "-days", DailyRow.COLUMNS,
        new ExportWriter.Header(FORMAT_VERSION, range.site(), range.from().toString(), range.to().toString(), null));
    writeChunks(ctx, writer, range, chunk -> store.timeSeries(new Queries.Series(range.site(), chunk[0], chunk[1], Interval.DAY, range.zone()))
        .map(series -> series.buckets().stream().map(bucket -> DailyRow.of(range.site(), bucket, range.zone())).toList()));
  }

  /** {@code GET /api/v1/export/pages}: top entry, exit and viewed pages per day, small cells folded. */
  public void pages(RoutingContext ctx) {
    Params.Range range = Params.grantedRange(ctx, sites, metrics);
    int top = Params.integer(ctx, "top", DEFAULT_TOP, 1, 100);
    Principal principal = ctx.get(AuthHandler.PRINCIPAL);
    int k = principal.role() == Role.PARTNER ? principal.smallCellK() : 1;
    ExportFormat format = ExportFormat.of(ctx);
    ExportWriter writer = format.writer(ctx.response(), "clozette-" + range.site() + "-pages", PageExportRow.COLUMNS,
        new ExportWriter.Header(FORMAT_VERSION, range.site(), range.from().toString(), range.to().toString(), k));
    writeChunks(ctx, writer, range, chunk -> store.pageExport(new Queries.PageExport(range.site(), chunk[0], chunk[1], range.zone(), top, k))
        .map(rows -> rows.stream().map(row -> PageExportRow.of(range.site(), k, row)).toList()));
  }

  private void writeChunks(RoutingContext ctx, ExportWriter writer, Params.Range range, Function<Instant[], Future<List<? extends ExportRow>>> rows) {
    List<Instant> days = Interval.DAY.boundaries(range.from(), range.to(), range.zone());
    Future<Void> written = writer.start();
    for (int i = 0; i + 1 < days.size(); i += CHUNK_DAYS) {
      Instant start = i == 0 ? range.from() : days.get(i);
      Instant end = i + CHUNK_DAYS + 1 >= days.size() ? range.to() : days.get(i + CHUNK_DAYS);
      Instant[] chunk = {start, end};
      written = written.compose(v -> rows.apply(chunk)).compose(writer::write);
    }
    written.compose(v -> writer.end())
        .onSuccess(v -> metrics.counter("analytics.exports", "kind", ctx.currentRoute().getPath() == null ? "export" : ctx.currentRoute().getPath()).increment())
        .onFailure(failure -> {
          if (ctx.response().headWritten()) {
            // The status line is gone: cutting the connection is how a client learns the export broke.
            ctx.response().reset();
          } else {
            ctx.fail(failure);
          }
        });
  }

  /** A row of an export: its values in column order. */
  interface ExportRow {
    List<Object> values();
  }

  record DailyRow(List<Object> values) implements ExportRow {
    static final List<String> COLUMNS = List.of("format_version", "site", "date", "pageviews", "visitors", "sessions",
        "avg_session_seconds", "avg_time_per_visitor_seconds", "bounce_rate");

    static DailyRow of(String site, Results.Bucket bucket, ZoneId zone) {
      String date = Instant.parse(bucket.start()).atZone(zone).toLocalDate().toString();
      return new DailyRow(List.of(FORMAT_VERSION, site, date, bucket.pageviews(), bucket.visitors(), bucket.sessions(),
          bucket.avgSessionSeconds(), bucket.avgTimePerVisitorSeconds(), bucket.bounceRate()));
    }
  }

  record PageExportRow(List<Object> values) implements ExportRow {
    static final List<String> COLUMNS = List.of("format_version", "site", "date", "kind", "path", "pageviews", "sessions", "visitors", "k");

    static PageExportRow of(String site, int k, Results.PageRow row) {
      return new PageExportRow(java.util.Arrays.asList(FORMAT_VERSION, site, row.day(), row.kind(), row.path(),
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
