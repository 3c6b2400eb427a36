package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.collector.ErrorResponse;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last resort of POST /collect. Bad input never gets here (the handlers answer it), so whatever
 * does is a bug in the collector: logged, and answered as JSON like every other error.
 */
final class CollectFailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(CollectFailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    LOG.error("POST /collect failed with status {}", ctx.statusCode(), ctx.failure());
    if (!ctx.response().headWritten() && !ctx.response().closed()) {
      ErrorResponse.send(ctx.response(), 500, "internal_error", "the collector failed; the failure is logged");
    }
  }
}
