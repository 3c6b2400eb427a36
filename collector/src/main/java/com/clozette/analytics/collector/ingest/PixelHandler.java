package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.collector.CollectorMetrics;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
  private static final Set<String> FIELDS = Set.of("id", "site", "type", "url", "ref", "vid", "name", "platform", "props");
  private static final Set<String> DEVICE_TIMES = Set.of("created", "sent");
  /** Parameters past this many are not read: a pixel carries a dozen at most. */
  private static final int MAX_PARAMETERS = 64;
  private static final ObjectMapper JSON = new ObjectMapper();

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
    ObjectNode beacon;
    try {
      beacon = beacon(request.uri());
    } catch (IllegalArgumentException malformedEscape) {
      metrics.rejected("malformed_query");
      gif(request.response(), 400, "malformed_query");
      return;
    }
    VisitorIds visitors = requests.visitorIds(request);
    // An image load is not subject to CORS: a pixel may carry any configured site's event.
    ingest.accept(List.of(beacon), null, requests.facts(request), visitors, null)
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

  /** The query as an event object; unknown parameters (cache busters and the like) are ignored. */
  private static ObjectNode beacon(String uri) {
    Map<String, List<String>> parameters = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, MAX_PARAMETERS, true).parameters();
    ObjectNode beacon = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      String value = parameter.getValue().get(0);
      if (FIELDS.contains(name)) {
        beacon.set(name, name.equals("props") ? jsonObjectOrText(value) : JsonNodeFactory.instance.textNode(value));
      } else if (DEVICE_TIMES.contains(name)) {
        beacon.set(name, numberOrText(value));
      }
    }
    return beacon;
  }

  /** Parsed when it is a number, so that BeaconReader's type check applies to query and body alike. */
  private static JsonNode numberOrText(String value) {
    try {
      return JsonNodeFactory.instance.numberNode(Long.parseLong(value));
    } catch (NumberFormatException e) {
      return JsonNodeFactory.instance.textNode(value);
    }
  }

  private static JsonNode jsonObjectOrText(String value) {
    try {
      JsonNode parsed = JSON.readTree(value);
      return parsed != null && parsed.isObject() ? parsed : JsonNodeFactory.instance.textNode(value);
    } catch (JsonProcessingException e) {
      return JsonNodeFactory.instance.textNode(value);
    }
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
