package com.clozette.analytics.aggregator.auth;

import com.clozette.analytics.aggregator.http.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through only with a bearer token of one of the allowed roles: no or unknown token
 * is 401, a known token of another role is 403. The principal is left in the context under
 * {@link #PRINCIPAL} for handlers that check sites. Refusals are counted and logged without the
 * token's value.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  public static final String PRINCIPAL = "principal";
  private static final Logger LOG = LoggerFactory.getLogger(AuthHandler.class);

  private final TokenAuthenticator authenticator;
  private final Set<Role> allowed;
  private final MeterRegistry metrics;

  public AuthHandler(TokenAuthenticator authenticator, Set<Role> allowed, MeterRegistry metrics) {
    this.authenticator = authenticator;
    this.allowed = Set.copyOf(allowed);
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<String> token = bearerToken(ctx);
    if (token.isEmpty()) {
      refuse(ctx, 401, "missing_token", "an Authorization: Bearer token is required");
      return;
    }
    Optional<Principal> principal = authenticator.authenticate(token.get());
    if (principal.isEmpty()) {
      refuse(ctx, 401, "invalid_token", "the token is not valid");
      return;
    }
    if (!allowed.contains(principal.get().role())) {
      refuse(ctx, 403, "forbidden", "this token may not use " + ctx.request().path());
      return;
    }
    ctx.put(PRINCIPAL, principal.get());
    ctx.next();
  }

  /** The request's bearer token ({@code Authorization: Bearer TOKEN}), if it has one. */
  public static Optional<String> bearerToken(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      return Optional.empty();
    }
    return Optional.of(header.substring(7).trim());
  }

  /** Fails the request with 403 unless the principal of this request may see the site. */
  public static void requireSite(RoutingContext ctx, String site, MeterRegistry metrics) {
    Principal principal = ctx.get(PRINCIPAL);
    if (principal == null || !principal.maySee(site)) {
      metrics.counter("analytics.auth.refused", "reason", "site_not_granted").increment();
      throw new ApiException(403, "forbidden", "this token may not read site '" + site + "'");
    }
  }

  private void refuse(RoutingContext ctx, int status, String code, String message) {
    metrics.counter("analytics.auth.refused", "reason", code).increment();
    LOG.info("refused {} {}: {}", ctx.request().method(), ctx.request().path(), code);
    ctx.fail(new ApiException(status, code, message));
  }
}
