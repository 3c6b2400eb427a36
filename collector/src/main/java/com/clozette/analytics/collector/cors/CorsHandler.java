package com.clozette.analytics.collector.cors;

import com.clozette.analytics.collector.CollectorMetrics;
import com.clozette.analytics.collector.ErrorResponse;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for POST /collect: browsers on a configured site origin may post, every other origin is
 * refused with 403, and a request without an Origin header (the app, curl, server-to-server) passes.
 * Credentials are not allowed: the tracker sends its own visitor id in the body, so it needs no
 * cookie on these requests, and without credentials no other page can make a browser post with the
 * visitor's cookie. A preflight (OPTIONS) is answered here; sendBeacon's text/plain needs none.
 */
public final class CorsHandler implements Handler<RoutingContext> {
  private static final String MAX_AGE_SECONDS = "86400";

  private final Set<String> allowedOrigins;
  private final CollectorMetrics metrics;

  /** @param allowedOrigins scheme://host[:port], lower case */
  public CorsHandler(Collection<String> allowedOrigins, CollectorMetrics metrics) {
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    HttpServerResponse response = ctx.response();
    boolean preflight = ctx.request().method() == HttpMethod.OPTIONS;
    if (origin == null) {
      if (preflight) {
        response.setStatusCode(204).putHeader(HttpHeaders.ALLOW, "POST, OPTIONS").end();
      } else {
        ctx.next();
      }
      return;
    }
    if (!allowedOrigins.contains(origin.toLowerCase(Locale.ROOT))) {
      metrics.rejected("origin_not_allowed");
      ErrorResponse.send(response, 403, "origin_not_allowed", "this origin may not send events here");
      return;
    }
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin).putHeader(HttpHeaders.VARY, "Origin");
    if (preflight) {
      response.setStatusCode(204)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "POST")
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
          .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS)
          .end();
    } else {
      ctx.next();
    }
  }
}
