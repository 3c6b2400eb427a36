package com.clozette.analytics.aggregator.http;

import com.clozette.analytics.aggregator.auth.AuthHandler;
import com.clozette.analytics.aggregator.query.Query;
import com.clozette.analytics.aggregator.query.QueryParser;
import com.clozette.analytics.aggregator.report.ReportStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * {@code POST /api/v2/query}: reads the JSON body (routed behind a body handler of at most
 * {@link #MAX_BODY_BYTES}), checks the token may read its site, checks the query and asks the store,
 * which answers off the event loop.
 */
public final class QueryHandler implements Handler<RoutingContext> {
  public static final int MAX_BODY_BYTES = 64 * 1024;

  private final ReportStore store;
  private final Sites sites;
  private final MeterRegistry metrics;
  private final QueryParser parser;

  public QueryHandler(ReportStore store, Sites sites, MeterRegistry metrics, Clock clock) {
    this.store = store;
    this.sites = sites;
    this.metrics = metrics;
    this.parser = new QueryParser(clock);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.badRequest("invalid_query", "the body must be a JSON object such as {\"site\": ..., \"dateRange\": ..., \"metrics\": [...]}");
    }
    JsonNode root = QueryParser.body(body.getBytes());
    String site = QueryParser.site(root);
    AuthHandler.requireSite(ctx, site, metrics);
    Query query = parser.parse(root, sites.zoneOf(site));
    store.query(query)
        .onSuccess(result -> ctx.response().putHeader("Content-Type", "application/json").end(Json.encode(result)))
        .onFailure(ctx::fail);
  }
}
