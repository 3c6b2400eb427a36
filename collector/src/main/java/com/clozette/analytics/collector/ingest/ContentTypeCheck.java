package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.collector.CollectorMetrics;
import com.clozette.analytics.collector.ErrorResponse;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Refuses a /collect body that is neither JSON nor text/plain before any of it is read. text/plain
 * is JSON too: navigator.sendBeacon sends it so that the browser needs no CORS preflight.
 */
final class ContentTypeCheck implements Handler<RoutingContext> {
  private final CollectorMetrics metrics;

  ContentTypeCheck(CollectorMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (mediaType.equals("application/json") || mediaType.equals("text/plain")) {
      ctx.next();
      return;
    }
    metrics.rejected("unsupported_media_type");
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    ErrorResponse.send(ctx.response(), 415, "unsupported_media_type", "the body must be sent as application/json or text/plain");
  }
}
