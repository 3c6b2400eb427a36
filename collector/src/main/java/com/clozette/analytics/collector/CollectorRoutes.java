package com.clozette.analytics.collector;

import com.clozette.analytics.collector.cors.CorsHandler;
import com.clozette.analytics.collector.ingest.Ingestion;
import com.clozette.analytics.collector.sink.EventSink;
import com.clozette.analytics.collector.tracker.TrackerScriptHandler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.time.Clock;

/**
 * The collector's routes, mounted on the server's router. Together with {@link HttpLimits} on the
 * server, that is all a host needs to run the collector.
 *
 * <pre>
 * GET|HEAD /p.gif     one event in the query; answers the GIF
 * OPTIONS  /collect   CORS preflight
 * POST     /collect   one event or a batch as JSON; answers 204, or 400 / 403 with the problems
 * GET      /t.js      the tracker script
 * </pre>
 */
public final class CollectorRoutes {
  private final Ingestion ingestion;
  private final CorsHandler cors;
  private final TrackerScriptHandler trackerScript;

  public CollectorRoutes(CollectorSettings settings, EventSink sink, CollectorMetrics metrics, Clock clock) {
    this.ingestion = new Ingestion(settings, sink, metrics, clock);
    this.cors = new CorsHandler(settings.sites(), metrics);
    this.trackerScript = TrackerScriptHandler.fromClasspath(CollectorRoutes.class.getClassLoader());
  }

  public Router mount(Router router) {
    router.get("/p.gif").handler(ingestion.pixel());
    router.head("/p.gif").handler(ingestion.pixel());
    router.route(HttpMethod.OPTIONS, "/collect").handler(cors);
    router.post("/collect")
        .handler(cors)
        .handler(ingestion.collectContentType())
        .handler(ingestion.collect())
        .failureHandler(ingestion.collectFailures());
    router.get("/t.js").handler(trackerScript);
    return router;
  }
}
