package com.clozette.analytics.collector.ingest;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;

/**
 * The collector's first-party visitor cookie, set when the collector minted a visitor id. HttpOnly:
 * no script needs to read it (the tracker keeps its own id); SameSite=Lax: sent on the site's own
 * pixel requests, not on other sites' requests; Secure whenever the client connected over HTTPS.
 * Browsers may cap the two years (Chrome keeps cookies at most 400 days).
 */
final class VisitorCookie {
  static final long MAX_AGE_SECONDS = Duration.ofDays(730).toSeconds();

  private final String name;
  private final String domain;

  /** @param domain the cookie's Domain attribute, or null for a host-only cookie */
  VisitorCookie(String name, String domain) {
    this.name = name;
    this.domain = domain;
  }

  void set(HttpServerResponse response, String visitorId, boolean secure) {
    Cookie cookie = Cookie.cookie(name, visitorId)
        .setPath("/")
        .setMaxAge(MAX_AGE_SECONDS)
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX)
        .setSecure(secure);
    if (domain != null) {
      cookie.setDomain(domain);
    }
    response.addCookie(cookie);
  }
}
