package com.clozette.analytics.server;

import com.clozette.analytics.aggregator.auth.AuthHandler;
import com.clozette.analytics.aggregator.auth.Role;
import com.clozette.analytics.aggregator.http.ApiErrorHandler;
import com.clozette.analytics.aggregator.importer.ImportHandler;
import com.clozette.analytics.aggregator.export.ExportHandlers;
import com.clozette.analytics.aggregator.http.ApiException;
import com.clozette.analytics.aggregator.http.QueryHandler;
import com.clozette.analytics.aggregator.http.ReportHandlers;
import com.clozette.analytics.collector.CollectorMetrics;
import com.clozette.analytics.collector.CollectorRoutes;
import com.clozette.analytics.collector.CollectorSettings;
import com.clozette.analytics.collector.IpRange;
import com.clozette.analytics.server.config.AnalyticsConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import java.util.List;
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
    AuthHandler staffOrPartner = new AuthHandler(storage.authenticator(), Set.of(Role.STAFF, Role.PARTNER), metrics);
    ReportHandlers reports = new ReportHandlers(storage.reports(), storage.sites(), metrics,
        storage.scaleOut() == null ? storage.loader()::lagSeconds : storage.scaleOut()::behindSeconds);
    Clock clock = Clock.systemUTC();
    ExportHandlers exports = new ExportHandlers(storage.reports(), storage.sites(), metrics, clock);

    router.route().handler(new RequestMetricsHandler(metrics));

    // Operations
    router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(health().encode()));
    router.get("/metrics").handler(new MetricsHandler(metrics, config.metrics().tokenSha256()));

    // Collector: GET|HEAD /p.gif, OPTIONS|POST /collect, GET /t.js (see CollectorRoutes)
    new CollectorRoutes(collectorSettings(), storage.sink(), new CollectorMetrics(metrics), clock)
        .mount(router);

    // Staff dashboard: static files from the jar (a folder name no working directory has, since
    // StaticHandler looks on disk first); it signs in with a staff token and calls the API below.
    router.get("/dashboard/*")
        .handler(ctx -> {
          ctx.response().putHeader("X-Frame-Options", "DENY").putHeader("X-Content-Type-Options", "nosniff");
          ctx.next();
        })
        .handler(StaticHandler.create("clozette-dashboard").setCachingEnabled(true).setMaxAgeSeconds(300));

    // API description (public: it holds no data)
    router.get("/api/v1/openapi.yaml").handler(new OpenApiHandler());

    // Staff API
    router.get("/api/v1/sites").handler(staffOrPartner).handler(reports::sites);
    router.get("/api/v1/report").handler(staff).handler(reports::report);
    router.get("/api/v1/timeseries").handler(staff).handler(reports::timeSeries);
    router.get("/api/v1/breakdown").handler(staff).handler(reports::breakdown);
    router.get("/api/v1/visitors").handler(staff).handler(reports::visitors);
    router.get("/api/v1/realtime").handler(staff).handler(reports::realtime);
    router.get("/api/v1/bots").handler(staff).handler(reports::bots);
    router.post("/api/v1/import").handler(staff).handler(new ImportHandler(vertx, storage.importer()));
    // Vert.x reads a body before any other handler of the route: at most 64 KB, then the token is checked.
    router.post("/api/v2/query").handler(BodyHandler.create(false).setBodyLimit(QueryHandler.MAX_BODY_BYTES))
        .handler(staff)
        .handler(new QueryHandler(storage.reports(), storage.sites(), metrics, clock));

    // Partner (and staff) exports: aggregates only
    router.get("/api/v1/export").handler(staffOrPartner).handler(exports::days);
    router.get("/api/v1/export/pages").handler(staffOrPartner).handler(exports::pages);

    router.route("/api/*").handler(ctx -> ctx.fail(new ApiException(404, "not_found", "no such endpoint")));
    router.route("/api/*").failureHandler(new ApiErrorHandler(metrics));
    return router;
  }

  /** Up; in the scale-out shape also whether Druid has ingested what Kafka holds (see IngestionWatch). */
  private JsonObject health() {
    JsonObject health = new JsonObject().put("status", "ok");
    return storage.scaleOut() == null ? health : health.put("ingestion", storage.scaleOut().ingestion());
  }

  private CollectorSettings collectorSettings() {
    List<CollectorSettings.Site> sites = config.sites().stream()
        .map(site -> new CollectorSettings.Site(site.id(), site.origins(), site.doNotTrack() == AnalyticsConfig.DoNotTrack.DROP))
        .toList();
    AnalyticsConfig.Collector collector = config.collector();
    return new CollectorSettings(sites, collector.cookieName(), collector.cookieDomain(),
        collector.trustedProxies().stream().map(IpRange::parse).toList());
  }
}
