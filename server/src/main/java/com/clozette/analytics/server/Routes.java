package com.clozette.analytics.server;

import com.clozette.analytics.aggregator.auth.AuthHandler;
import com.clozette.analytics.aggregator.auth.Role;
import com.clozette.analytics.aggregator.http.ApiErrorHandler;
import com.clozette.analytics.aggregator.importer.ImportHandler;
import com.clozette.analytics.aggregator.report.ReportHandler;
import com.clozette.analytics.server.config.AnalyticsConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Set;

/** Every HTTP route of the system, in one table: read it top to bottom. */
final class Routes {
  private final Vertx vertx;
  private final AnalyticsConfig config;
  private final PrometheusMeterRegistry metrics;
  private final AnalyticsServer.Storage storage;

  Routes(Vertx vertx, AnalyticsConfig config, PrometheusMeterRegistry metrics, AnalyticsServer.Storage storage) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.storage = storage;
  }

  Router build() {
    Router router = Router.router(vertx);
    AuthHandler staff = new AuthHandler(storage.authenticator(), Set.of(Role.STAFF), metrics);
    ApiErrorHandler apiErrors = new ApiErrorHandler(metrics);

    router.route().handler(new RequestMetricsHandler(metrics));

    // Operations
    router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end("{\"status\":\"ok\"}"));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape()));

    // Staff API
    router.get("/api/v1/report").handler(staff).handler(new ReportHandler(storage.store(), metrics)).failureHandler(apiErrors);
    router.post("/api/v1/import").handler(staff).handler(new ImportHandler(vertx, storage.importer())).failureHandler(apiErrors);

    router.route("/api/*").handler(ctx -> ctx.fail(new com.clozette.analytics.aggregator.http.ApiException(404, "not_found", "no such endpoint")))
        .failureHandler(apiErrors);
    return router;
  }
}
