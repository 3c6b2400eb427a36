package com.clozette.analytics.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

/** Times every request by route template and status, so /metrics shows request latencies. */
final class RequestMetricsHandler implements Handler<RoutingContext> {
  private final MeterRegistry metrics;

  RequestMetricsHandler(MeterRegistry metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      Route route = ctx.currentRoute();
      String template = route == null || route.getPath() == null ? "unmatched" : route.getPath();
      Timer.builder("analytics.http.requests")
          .tag("method", ctx.request().method().name())
          .tag("route", template)
          .tag("status", Integer.toString(ctx.response().getStatusCode()))
          .publishPercentileHistogram(false)
          .register(metrics)
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }
}
