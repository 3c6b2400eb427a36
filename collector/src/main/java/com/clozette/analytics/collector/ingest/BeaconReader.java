package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventParser;
import com.clozette.analytics.event.InvalidEventException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns one beacon event (a JSON object, from a /collect body or a pixel's query) into a stored
 * event: fills in what the collector owns (event time, missing id and visitor id, the user agent
 * from the header) and the default type (pageview), lets {@link EventParser} apply the rules, then adds the client enrichment.
 * A client's own {@code ts} and {@code ua} are overwritten: time and user agent are the
 * collector's to tell.
 */
final class BeaconReader {
  private final EventParser parser;

  BeaconReader(EventParser parser) {
    this.parser = parser;
  }

  /**
   * @param batchSent the request-level device send time of a batch, used by events without their own
   */
  Event read(JsonNode node, JsonNode batchSent, RequestFacts facts, VisitorIds visitors) throws InvalidEventException {
    if (!(node instanceof ObjectNode event)) {
      throw new InvalidEventException("not_an_object", "an event must be a JSON object");
    }
    Long created = deviceTime(event.get("created"), "created");
    JsonNode sentNode = event.get("sent");
    Long sent = deviceTime(sentNode == null || sentNode.isNull() ? batchSent : sentNode, "sent");
    if (created != null && sent == null) {
      throw new InvalidEventException("missing_sent", "an event with created needs sent, the device time it was sent at");
    }
    if (isAbsent(event.get("type"))) {
      event.put("type", "pageview");
    }
    if (isAbsent(event.get("id"))) {
      event.put("id", RandomIds.next());
    }
    if (isAbsent(event.get("vid"))) {
      event.put("vid", visitors.fallback());
    }
    event.put("ts", EventTime.of(facts.receivedAt(), created, sent));
    if (facts.userAgent() == null) {
      event.remove("ua");
    } else {
      event.put("ua", facts.userAgent());
    }
    return parser.parse(event).withIp(facts.ip());
  }

  /** Absent as EventParser sees it: missing, null or empty. A value of the wrong type is the parser's to refuse. */
  private static boolean isAbsent(JsonNode value) {
    return value == null || value.isNull() || (value.isTextual() && value.textValue().isEmpty());
  }

  private static Long deviceTime(JsonNode value, String field) throws InvalidEventException {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
      throw new InvalidEventException("invalid_" + field, field + " must be an integer of epoch milliseconds > 0");
    }
    return value.longValue();
  }
}
