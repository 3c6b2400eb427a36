package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.event.EventLimits;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.util.regex.Pattern;

/** Reads the {@link RequestFacts} and the visitor cookie of a beacon request. */
final class RequestReader {
  /** What {@link RandomIds#visitorId} mints, with room for ids of a future scheme; anything else is ignored. */
  private static final Pattern VISITOR_COOKIE = Pattern.compile("[A-Za-z0-9_-]{16," + EventLimits.MAX_VID_LENGTH + "}");

  private final Clock clock;
  private final ClientAddress addresses;
  private final String cookieName;

  RequestReader(Clock clock, ClientAddress addresses, String cookieName) {
    this.clock = clock;
    this.addresses = addresses;
    this.cookieName = cookieName;
  }

  RequestFacts facts(HttpServerRequest request) {
    String userAgent = request.getHeader(HttpHeaders.USER_AGENT);
    if (userAgent != null && userAgent.isEmpty()) {
      userAgent = null;
    }
    // A client does not choose its user agent's length: cut it rather than refuse the event.
    if (userAgent != null && userAgent.length() > EventLimits.MAX_UA_LENGTH) {
      userAgent = userAgent.substring(0, EventLimits.MAX_UA_LENGTH);
    }
    boolean doNotTrack = "1".equals(request.getHeader("DNT")) || "1".equals(request.getHeader("Sec-GPC"));
    return new RequestFacts(clock.millis(), userAgent, addresses.anonymized(request), doNotTrack);
  }

  /** The visitor ids for events without their own; the cookie is parsed only if one is needed. */
  VisitorIds visitorIds(HttpServerRequest request) {
    return new VisitorIds(() -> {
      Cookie cookie = request.getCookie(cookieName);
      return cookie != null && VISITOR_COOKIE.matcher(cookie.getValue()).matches() ? cookie.getValue() : null;
    });
  }

  boolean isHttps(HttpServerRequest request) {
    return addresses.isHttps(request);
  }
}
