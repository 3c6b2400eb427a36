package com.clozette.analytics.collector;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * Limits that protect the HTTP server before any handler runs: Netty refuses an over-long request
 * line or header block while decoding, so neither is ever buffered whole. The server that hosts the
 * collector applies them with {@link #applyTo} and answers what they refuse with
 * {@link #invalidRequestHandler}.
 */
public final class HttpLimits {
  /** Longest request target (path and query); a pixel carries its event in it. */
  public static final int MAX_URL_BYTES = 2048;
  /** All request headers together; browsers' cookies for a site stay well below this. */
  public static final int MAX_HEADER_BYTES = 16 * 1024;
  /** Largest /collect body: 100 events of typical size fit with room to spare. */
  public static final int MAX_BODY_BYTES = 64 * 1024;
  public static final int MAX_BATCH_EVENTS = 100;
  /**
   * A connection that sends nothing for this long is closed. Netty reads without a thread per
   * connection, so a slow client costs a socket, not throughput for the others.
   */
  public static final int IDLE_TIMEOUT_SECONDS = 30;
  /** "HEAD " + target + " HTTP/1.1": the method and version fit easily in the slack. */
  private static final int MAX_REQUEST_LINE_BYTES = MAX_URL_BYTES + 32;

  private HttpLimits() {}

  /**
   * Also turns off HTTP/2 over cleartext (h2c upgrade): HTTP/2 carries the URL in a header, past the
   * request-line limit, and no browser speaks h2c; HTTP/2 over TLS is not negotiated either (ALPN is off).
   * And WebSocket compression: no route is a WebSocket, and offering the extensions puts a handler in
   * every connection's pipeline that inspects every request and response (issue 11).
   */
  public static HttpServerOptions applyTo(HttpServerOptions options) {
    return options
        .setHttp2ClearTextEnabled(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false)
        .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
        .setMaxHeaderSize(MAX_HEADER_BYTES)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS);
  }

  /**
   * Answers a request Netty could not decode (too long a line, too many header bytes, not HTTP) with
   * a JSON error, counts it, and closes the connection, whose remaining bytes cannot be trusted.
   * The path is unknown at this point, so a pixel refused here gets JSON too, not the GIF.
   */
  public static Handler<HttpServerRequest> invalidRequestHandler(CollectorMetrics metrics) {
    return request -> {
      Throwable cause = request.decoderResult().cause();
      int status;
      String error;
      String message;
      if (cause instanceof TooLongHttpLineException) {
        status = 414;
        error = "url_too_long";
        message = "the request line must be at most " + MAX_REQUEST_LINE_BYTES + " bytes (URL at most " + MAX_URL_BYTES + ")";
      } else if (cause instanceof TooLongHttpHeaderException) {
        status = 431;
        error = "headers_too_large";
        message = "the request headers must be at most " + MAX_HEADER_BYTES + " bytes in all";
      } else {
        status = 400;
        error = "malformed_request";
        message = "the request is not valid HTTP/1.1";
      }
      metrics.rejected(error);
      request.response().putHeader("Connection", "close");
      ErrorResponse.send(request.response(), status, error, message);
      request.connection().close();
    };
  }
}
