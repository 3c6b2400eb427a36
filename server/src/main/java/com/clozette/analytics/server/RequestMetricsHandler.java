package com.clozette.analytics.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Times every request by route template and status, so /metrics shows request latencies. */
final class RequestMetricsHandler implements Handler<RoutingContext> {
  private record TimerKey(String method, String route, int status) {}

  private final MeterRegistry metrics;
  // Looked up once per kind of request: registering a Timer per request cost the beacon path 5%.
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  RequestMetricsHandler(MeterRegistry metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      Route route = ctx.currentRoute();
      String template = route == null || route.getPath() == null ? "unmatched" : route.getPath();
      TimerKey key = new TimerKey(ctx.request().method().name(), template, ctx.response().getStatusCode());
      timers.computeIfAbsent(key, k -> Timer.builder("analytics.http.requests")
              .tag("method", k.method())
              .tag("route", k.route())
              .tag("status", Integer.toString(k.status()))
              .register(metrics))
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }
}
