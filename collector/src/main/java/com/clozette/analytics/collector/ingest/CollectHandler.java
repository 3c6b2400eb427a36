package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.collector.CollectorMetrics;
import com.clozette.analytics.collector.ErrorResponse;
import com.clozette.analytics.collector.HttpLimits;
import com.clozette.analytics.collector.cors.CorsHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /collect}: one event (type pageview unless it says otherwise), or {@code {"events": [...], "sent": ms}} with at most 100, as
 * JSON (sent as application/json, or as text/plain by navigator.sendBeacon), read within the body
 * limit. Answers 204 once every event is stored; 400 naming each refused event by index (the others
 * are stored all the same), among them events of sites the request's browser origin is not listed
 * under; 403 when that is every event; 400 with one error for a body that is not an event or a batch at all,
 * 413 for one over the limit; 503 when the sink cannot take the events.
 */
final class CollectHandler implements Handler<RoutingContext> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RequestReader requests;
  private final Ingest ingest;
  private final VisitorCookie cookie;
  private final CollectorMetrics metrics;

  CollectHandler(RequestReader requests, Ingest ingest, VisitorCookie cookie, CollectorMetrics metrics) {
    this.requests = requests;
    this.ingest = ingest;
    this.cookie = cookie;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Set<String> originSites = CorsHandler.originSites(ctx);
    BoundedBody.read(request, HttpLimits.MAX_BODY_BYTES)
        .onSuccess(body -> collect(request, body, originSites))
        .onFailure(failure -> refuseBody(request.response(), failure));
  }

  private void refuseBody(HttpServerResponse response, Throwable failure) {
    if (response.closed()) {
      metrics.rejected("client_closed");
    } else if (failure instanceof BoundedBody.TooLarge) {
      metrics.rejected("body_too_large");
      // The rest of the body is discarded as it arrives, never buffered; the client is asked not to
      // reuse a connection whose request it may still be sending.
      response.putHeader(HttpHeaders.CONNECTION, "close");
      ErrorResponse.send(response, 413, "body_too_large", "the body must be at most " + HttpLimits.MAX_BODY_BYTES + " bytes");
    } else {
      metrics.rejected("malformed_body");
      response.putHeader(HttpHeaders.CONNECTION, "close");
      ErrorResponse.send(response, 400, "malformed_body", "the request body could not be read");
    }
  }

  private void collect(HttpServerRequest request, Buffer body, Set<String> originSites) {
    if (body.length() == 0) {
      reject(request.response(), "empty_body", "the body must be an event or {\"events\": [...]}");
      return;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body.getBytes()))
          .toString();
    } catch (CharacterCodingException e) {
      reject(request.response(), "invalid_utf8", "the body must be UTF-8");
      return;
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      reject(request.response(), "malformed_json", "not valid JSON: " + e.getOriginalMessage());
      return;
    }
    if (root == null || !root.isObject()) {
      reject(request.response(), "not_an_object", "the body must be an event or {\"events\": [...]}");
      return;
    }
    List<JsonNode> beacons;
    JsonNode batchSent = null;
    JsonNode batch = root.get("events");
    if (batch == null) {
      beacons = List.of(root);
    } else if (!batch.isArray()) {
      reject(request.response(), "invalid_batch", "events must be an array of events");
      return;
    } else if (batch.isEmpty()) {
      reject(request.response(), "empty_batch", "events must hold at least one event");
      return;
    } else if (batch.size() > HttpLimits.MAX_BATCH_EVENTS) {
      reject(request.response(), "too_many_events", "a batch holds at most " + HttpLimits.MAX_BATCH_EVENTS + " events, not " + batch.size());
      return;
    } else {
      beacons = new ArrayList<>(batch.size());
      batch.forEach(beacons::add);
      batchSent = root.get("sent");
    }
    JsonNode sent = batchSent;
    RequestFacts facts = requests.facts(request);
    VisitorIds visitors = requests.visitorIds(request);
    ingest.accept(beacons.size(), (reader, i) -> reader.read(beacons.get(i), sent, facts, visitors), facts, visitors, originSites)
        .onSuccess(outcome -> answer(request, outcome, beacons.size()))
        .onFailure(failure -> {
          if (!request.response().closed()) {
            ErrorResponse.send(request.response(), 503, "unavailable", "the events could not be stored; retry later");
          }
        });
  }

  private void answer(HttpServerRequest request, Outcome outcome, int received) {
    HttpServerResponse response = request.response();
    if (response.closed()) {
      return;
    }
    if (outcome.newVisitorId() != null) {
      cookie.set(response, outcome.newVisitorId(), requests.isHttps(request));
    }
    if (outcome.problems().isEmpty()) {
      response.setStatusCode(204).end();
      return;
    }
    if (outcome.problems().size() == received
        && outcome.problems().stream().allMatch(problem -> problem.error().equals(Ingest.ORIGIN_NOT_ALLOWED))) {
      // Nothing in it was for a site of this origin: the request as a whole was not allowed, as for an unlisted origin.
      ErrorResponse.send(response, 403, Ingest.ORIGIN_NOT_ALLOWED, received == 1
          ? outcome.problems().get(0).message()
          : "this origin may not send events of the sites in this batch");
      return;
    }
    JsonArray problems = new JsonArray();
    for (Problem problem : outcome.problems()) {
      problems.add(new JsonObject().put("index", problem.index()).put("error", problem.error()).put("message", problem.message()));
    }
    response.setStatusCode(400)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject()
            .put("error", "invalid_events")
            .put("message", outcome.problems().size() + " of " + received + " events were refused; the others are stored")
            .put("accepted", outcome.accepted())
            .put("problems", problems)
            .encode());
  }

  private void reject(HttpServerResponse response, String error, String message) {
    metrics.rejected(error);
    ErrorResponse.send(response, 400, error, message);
  }
}
