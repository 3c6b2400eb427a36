package com.clozette.analytics.collector.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body of at most {@code limit} bytes. A declared Content-Length over the limit is
 * refused before a byte is read; a chunked body is refused the moment it crosses the limit, and the
 * rest of it is never buffered. Must be called while the request is being dispatched, before its
 * body starts to arrive (every handler before it is synchronous).
 */
final class BoundedBody {
  /** The body was larger than the limit; carries no stack trace, it is traffic, not a fault. */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("body too large", null, false, false);
    }
  }

  private BoundedBody() {}

  static Future<Buffer> read(HttpServerRequest request, int limit) {
    long declared = declaredLength(request);
    if (declared > limit) {
      return Future.failedFuture(new TooLarge());
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer(declared >= 0 ? (int) declared : 1024);
    request.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        promise.fail(new TooLarge());
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(promise::tryFail);
    request.endHandler(end -> promise.tryComplete(body));
    request.resume();
    return promise.future();
  }

  /** The Content-Length, or -1 when absent (chunked) or not a number (Netty refuses that first). */
  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
