package com.clozette.analytics.aggregator.report;

import com.clozette.analytics.aggregator.auth.AuthHandler;
import com.clozette.analytics.aggregator.http.ApiException;
import com.clozette.analytics.aggregator.http.Params;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/** {@code GET /api/v1/report?site&from&to&top}: the report of RULES.md for one site and range. */
public final class ReportHandler implements Handler<RoutingContext> {
  private final ReportStore store;
  private final MeterRegistry metrics;

  public ReportHandler(ReportStore store, MeterRegistry metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ReportQuery query = parse(ctx);
    AuthHandler.requireSite(ctx, query.site(), metrics);
    store.report(query)
        .onSuccess(report -> ctx.response().putHeader("Content-Type", "application/json").end(Json.encode(report)))
        .onFailure(ctx::fail);
  }

  static ReportQuery parse(RoutingContext ctx) {
    String site = Params.required(ctx, "site");
    Instant from = Params.instant(ctx, "from");
    Instant to = Params.instant(ctx, "to");
    if (!from.isBefore(to)) {
      throw ApiException.badRequest("invalid_range", "from must be before to");
    }
    int top = Params.integer(ctx, "top", ReportQuery.DEFAULT_TOP, 1, ReportQuery.MAX_TOP);
    return new ReportQuery(site, from, to, top);
  }
}
