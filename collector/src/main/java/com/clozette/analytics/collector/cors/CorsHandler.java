package com.clozette.analytics.collector.cors;

import com.clozette.analytics.collector.CollectorMetrics;
import com.clozette.analytics.collector.CollectorSettings;
import com.clozette.analytics.collector.ErrorResponse;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * CORS for POST /collect, per site: a browser origin may post the events of the sites it is listed
 * under, and only those. This handler answers the preflight (OPTIONS), which names no site, for an
 * origin listed under any site; refuses with 403 a request from an origin listed under none; and
 * leaves the sites the origin may post for in the context ({@link #originSites}) for the event-by-event
 * check. A request without an Origin header (the app, curl, server-to-server) passes, unrestricted.
 * Credentials are not allowed: the tracker sends its own visitor id in the body, so it needs no
 * cookie on these requests, and without credentials no other page can make a browser post with the
 * visitor's cookie. sendBeacon's text/plain needs no preflight.
 */
public final class CorsHandler implements Handler<RoutingContext> {
  private static final String MAX_AGE_SECONDS = "86400";
  private static final String ORIGIN_SITES = "cors.originSites";

  /** Origin (scheme://host[:port], lower case) to the ids of the sites listed with it. */
  private final Map<String, Set<String>> sitesByOrigin;
  private final CollectorMetrics metrics;

  public CorsHandler(List<CollectorSettings.Site> sites, CollectorMetrics metrics) {
    Map<String, Set<String>> byOrigin = new HashMap<>();
    for (CollectorSettings.Site site : sites) {
      for (String origin : site.origins()) {
        byOrigin.computeIfAbsent(origin.toLowerCase(Locale.ROOT), o -> new HashSet<>()).add(site.id());
      }
    }
    byOrigin.replaceAll((origin, ids) -> Set.copyOf(ids));
    this.sitesByOrigin = Map.copyOf(byOrigin);
    this.metrics = metrics;
  }

  /**
   * The sites whose events this request's origin may post, or null when the request has no Origin
   * (then any configured site goes).
   */
  public static Set<String> originSites(RoutingContext ctx) {
    return ctx.get(ORIGIN_SITES);
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
    Set<String> sites = sitesByOrigin.get(origin.toLowerCase(Locale.ROOT));
    if (sites == null) {
      metrics.rejected("origin_not_allowed");
      ErrorResponse.send(response, 403, "origin_not_allowed", "this origin may not send events here");
      return;
    }
    // Echoed for a listed origin even when some of its events are then refused, so that the page can read why.
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin).putHeader(HttpHeaders.VARY, "Origin");
    if (preflight) {
      response.setStatusCode(204)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "POST")
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
          .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS)
          .end();
    } else {
      ctx.put(ORIGIN_SITES, sites);
      ctx.next();
    }
  }
}
