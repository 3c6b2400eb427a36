package com.clozette.analytics.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every request by method, route template and status, so /metrics shows request latencies.
 * Every tag takes its value from a fixed set: a method outside the standard ones is {@code other}, a
 * request no route matched is {@code unmatched}. A client inventing methods or paths thus cannot add
 * series; before, each invented method name added a timer (and /metrics grew without bound).
 */
final class RequestMetricsHandler implements Handler<RoutingContext> {
  static final String OTHER_METHOD = "other";
  static final String UNMATCHED_ROUTE = "unmatched";
  private static final Set<HttpMethod> KNOWN_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.PATCH, HttpMethod.TRACE, HttpMethod.CONNECT);

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
      // A route's path is a template from Routes (null for the catch-all of this handler), never the request's path.
      Route route = ctx.currentRoute();
      String template = route == null || route.getPath() == null ? UNMATCHED_ROUTE : route.getPath();
      HttpMethod method = ctx.request().method();
      TimerKey key = new TimerKey(KNOWN_METHODS.contains(method) ? method.name() : OTHER_METHOD, template, ctx.response().getStatusCode());
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
