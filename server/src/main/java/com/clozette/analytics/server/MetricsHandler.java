package com.clozette.analytics.server;

import com.clozette.analytics.aggregator.auth.AuthHandler;
import com.clozette.analytics.aggregator.auth.TokenAuthenticator;
import com.clozette.analytics.collector.ErrorResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@code GET /metrics}: the Prometheus text format. Open by default, as Prometheus expects of an
 * exporter; with {@code metrics.token} or {@code metrics.sha256} configured only a scraper sending
 * that bearer token gets it (Prometheus: {@code authorization: {credentials: ...}}), compared by
 * SHA-256 in constant time like the API's tokens. Refusals are 401 and counted in
 * {@code analytics_auth_refused_total}.
 */
final class MetricsHandler implements Handler<RoutingContext> {
  private final PrometheusMeterRegistry metrics;
  private final byte[] tokenSha256;

  /** @param tokenSha256 hex SHA-256 of the bearer token required, or null for an open endpoint */
  MetricsHandler(PrometheusMeterRegistry metrics, String tokenSha256) {
    this.metrics = metrics;
    this.tokenSha256 = tokenSha256 == null ? null : HexFormat.of().parseHex(tokenSha256);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (tokenSha256 != null) {
      Optional<String> token = AuthHandler.bearerToken(ctx);
      if (token.isEmpty()) {
        refuse(ctx, "missing_token", "an Authorization: Bearer token is required");
        return;
      }
      if (!MessageDigest.isEqual(tokenSha256, TokenAuthenticator.sha256(token.get()))) {
        refuse(ctx, "invalid_token", "the token is not valid");
        return;
      }
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape());
  }

  private void refuse(RoutingContext ctx, String code, String message) {
    metrics.counter("analytics.auth.refused", "reason", code).increment();
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    ErrorResponse.send(ctx.response(), 401, code, message);
  }
}
