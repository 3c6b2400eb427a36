package com.clozette.analytics.aggregator.http;

import com.clozette.analytics.aggregator.report.StoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders every failure of an API route as a JSON body. An {@link ApiException} keeps its status; a
 * {@link StoreUnavailableException} is 503 {@code store_unavailable} with its one-line cause (retry
 * later); anything else is a bug, logged once and answered 500 without internals.
 */
public final class ApiErrorHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrorHandler.class);
  private final MeterRegistry metrics;

  public ApiErrorHandler(MeterRegistry metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status;
    String code;
    String message;
    if (failure instanceof ApiException api) {
      status = api.status();
      code = api.code();
      message = api.getMessage();
    } else if (failure instanceof StoreUnavailableException unavailable) {
      status = 503;
      code = "store_unavailable";
      message = "the report store cannot answer now: " + unavailable.getMessage();
      LOG.warn("request {} {}: {}", ctx.request().method(), ctx.request().path(), unavailable.getMessage());
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      status = ctx.statusCode();
      code = status == 413 ? "body_too_large" : "bad_request";
      message = status == 413 ? "the request body is too large" : "the request is not valid";
    } else {
      status = 500;
      code = "internal_error";
      message = "the server failed to answer; the failure is logged";
      LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), failure);
    }
    metrics.counter("analytics.api.errors", "status", Integer.toString(status), "code", code).increment();
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", code).put("message", message).encode());
  }
}
