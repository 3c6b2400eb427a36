package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.collector.CollectorMetrics;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /p.gif?site=...&url=...} (and HEAD, which is handled alike but gets no body): one event
 * in the query, answered with a 1x1 transparent GIF. The GIF comes back whatever happens, so that no
 * page ever shows a broken image: 200 once the event is stored (or deliberately dropped), 400 with
 * the reason in {@code X-Clozette-Error} when it is refused, 503 when the sink cannot take it.
 */
final class PixelHandler implements Handler<RoutingContext> {
  /** The smallest transparent GIF: 43 bytes. */
  static final Buffer GIF = Buffer.buffer(new byte[] {
      'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, (byte) 0x80, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff,
      0x21, (byte) 0xf9, 4, 1, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b});
  private static final String GIF_LENGTH = Integer.toString(GIF.length());
  static final String ERROR_HEADER = "X-Clozette-Error";

  private final RequestReader requests;
  private final Ingest ingest;
  private final VisitorCookie cookie;
  private final CollectorMetrics metrics;

  PixelHandler(RequestReader requests, Ingest ingest, VisitorCookie cookie, CollectorMetrics metrics) {
    this.requests = requests;
    this.ingest = ingest;
    this.cookie = cookie;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    PixelQuery query;
    try {
      query = PixelQuery.parse(request.uri());
    } catch (IllegalArgumentException malformedEscape) {
      metrics.rejected("malformed_query");
      gif(request.response(), 400, "malformed_query");
      return;
    }
    RequestFacts facts = requests.facts(request);
    VisitorIds visitors = requests.visitorIds(request);
    // An image load is not subject to CORS: a pixel may carry any configured site's event.
    ingest.accept(1, (reader, index) -> reader.read(query, facts, visitors), facts, visitors, null)
        .onSuccess(outcome -> {
          if (!outcome.problems().isEmpty()) {
            gif(request.response(), 400, outcome.problems().get(0).error());
            return;
          }
          if (outcome.newVisitorId() != null) {
            cookie.set(request.response(), outcome.newVisitorId(), requests.isHttps(request));
          }
          gif(request.response(), 200, null);
        })
        .onFailure(failure -> gif(request.response(), 503, "unavailable"));
  }

  private static void gif(HttpServerResponse response, int status, String error) {
    if (response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "image/gif")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        // Set here so that HEAD, which gets no body, announces the same length as GET.
        .putHeader(HttpHeaders.CONTENT_LENGTH, GIF_LENGTH);
    if (error != null) {
      response.putHeader(ERROR_HEADER, error);
    }
    response.end(GIF);
  }
}
