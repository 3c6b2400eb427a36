package com.clozette.analytics.collector.ingest;

import java.util.function.Supplier;

/**
 * The visitor id of one request's events that carry none of their own: the collector's cookie if the
 * client sent a valid one, else one fresh random id, minted only when first needed and shared by
 * every event of the request.
 */
final class VisitorIds {
  private final Supplier<String> cookie;
  private boolean cookieRead;
  private String fromCookie;
  private String minted;

  VisitorIds(Supplier<String> cookie) {
    this.cookie = cookie;
  }

  String fallback() {
    if (!cookieRead) {
      fromCookie = cookie.get();
      cookieRead = true;
    }
    if (fromCookie != null) {
      return fromCookie;
    }
    if (minted == null) {
      minted = RandomIds.visitorId();
    }
    return minted;
  }

  /** The id minted for this request, or null. */
  String minted() {
    return minted;
  }
}
