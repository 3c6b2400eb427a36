package com.clozette.analytics.aggregator.http;

import com.clozette.analytics.aggregator.auth.AuthHandler;
import com.clozette.analytics.aggregator.auth.Principal;
import com.clozette.analytics.aggregator.report.Dimension;
import com.clozette.analytics.aggregator.report.Interval;
import com.clozette.analytics.aggregator.report.Queries;
import com.clozette.analytics.aggregator.report.ReportQuery;
import com.clozette.analytics.aggregator.report.ReportStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/** The staff report endpoints: each reads its parameters, checks the site, asks the store. */
public final class ReportHandlers {
  private static final Duration REALTIME_WINDOW = Duration.ofMinutes(5);

  private final ReportStore store;
  private final Sites sites;
  private final MeterRegistry metrics;
  private final DoubleSupplier storeBehindSeconds;

  /**
   * @param storeBehindSeconds how long since the store last held everything acknowledged (0: it
   *     does; negative: cannot be told), which the realtime answer states
   */
  public ReportHandlers(ReportStore store, Sites sites, MeterRegistry metrics, DoubleSupplier storeBehindSeconds) {
    this.store = store;
    this.sites = sites;
    this.metrics = metrics;
    this.storeBehindSeconds = storeBehindSeconds;
  }

  /** {@code GET /api/v1/report}: the RULES.md report. */
  public void report(RoutingContext ctx) {
    Params.Range range = Params.grantedRange(ctx, sites, metrics);
    int top = Params.integer(ctx, "top", ReportQuery.DEFAULT_TOP, 1, ReportQuery.MAX_TOP);
    answer(ctx, store.report(new ReportQuery(range.site(), range.from(), range.to(), top)));
  }

  /** {@code GET /api/v1/timeseries}: one bucket per hour, day, week or month in the site's zone. */
  public void timeSeries(RoutingContext ctx) {
    Params.Range range = Params.grantedRange(ctx, sites, metrics);
    String name = ctx.request().getParam("interval", "day");
    Interval interval = Interval.fromWireName(name);
    if (interval == null) {
      throw ApiException.badRequest("invalid_parameter", "interval must be hour, day, week or month");
    }
    Params.requireBucketsWithinCap(interval, range.from(), range.to(), range.zone());
    answer(ctx, store.timeSeries(new Queries.Series(range.site(), range.from(), range.to(), interval, range.zone())));
  }

  /** {@code GET /api/v1/breakdown}: rows of one dimension, a page at a time. */
  public void breakdown(RoutingContext ctx) {
    Params.Range range = Params.grantedRange(ctx, sites, metrics);
    Dimension by = Dimension.fromWireName(Params.required(ctx, "by"));
    if (by == null) {
      throw ApiException.badRequest("invalid_parameter", "by must be one of page, entry, exit, referrer, utm_source, platform, device, browser, os");
    }
    int limit = Params.integer(ctx, "limit", 10, 1, 1000);
    int offset = Params.integer(ctx, "offset", 0, 0, 1_000_000);
    answer(ctx, store.breakdown(new Queries.Breakdown(range.site(), range.from(), range.to(), by, limit, offset)));
  }

  /** {@code GET /api/v1/visitors}: new and returning visitors, sessions per visitor. */
  public void visitors(RoutingContext ctx) {
    Params.Range range = Params.grantedRange(ctx, sites, metrics);
    answer(ctx, store.visitors(new Queries.Visitors(range.site(), range.from(), range.to())));
  }

  /** {@code GET /api/v1/bots}: the bot traffic the reports leave out, by name and rule. */
  public void bots(RoutingContext ctx) {
    Params.Range range = Params.grantedRange(ctx, sites, metrics);
    int limit = Params.integer(ctx, "limit", 20, 1, 200);
    answer(ctx, store.bots(new Queries.Bots(range.site(), range.from(), range.to(), limit)));
  }

  /** {@code GET /api/v1/realtime}: the last five minutes, never cached, and how fresh the store is. */
  public void realtime(RoutingContext ctx) {
    String site = Params.required(ctx, "site");
    AuthHandler.requireSite(ctx, site, metrics);
    double behind = storeBehindSeconds.getAsDouble();
    answer(ctx, store.realtime(site, REALTIME_WINDOW).map(realtime -> realtime.behind(behind)));
  }

  /** {@code GET /api/v1/sites}: the sites this token may read, with their time zones. */
  public void sites(RoutingContext ctx) {
    Principal principal = ctx.get(AuthHandler.PRINCIPAL);
    JsonArray list = new JsonArray();
    sites.zones().forEach((site, zone) -> {
      if (principal.maySee(site)) {
        list.add(new JsonObject().put("id", site).put("timeZone", zone.getId()));
      }
    });
    ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("sites", list).encode());
  }

  private static <T> void answer(RoutingContext ctx, Future<T> result) {
    result.onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json").end(Json.encode(body)))
        .onFailure(ctx::fail);
  }
}
