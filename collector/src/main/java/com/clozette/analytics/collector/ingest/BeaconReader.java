package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventFields;
import com.clozette.analytics.event.EventParser;
import com.clozette.analytics.event.InvalidEventException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns one beacon event (a JSON object of a /collect body, or a pixel's query) into a stored
 * event: fills in what the collector owns (event time, missing id and visitor id, the user agent
 * from the header, the anonymised address) and the default type (pageview), and lets
 * {@link EventParser} apply the rules to the fields where they were read, in one pass. A client's
 * own {@code ts} and {@code ua} are overwritten: time and user agent are the collector's to tell.
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
    return read(EventFields.of(event), created, sent, facts, visitors);
  }

  /** A pixel's event; its device times are numbers in text. */
  Event read(PixelQuery query, RequestFacts facts, VisitorIds visitors) throws InvalidEventException {
    Long created = deviceTime(query.created(), "created");
    Long sent = deviceTime(query.sent(), "sent");
    return read(query, created, sent, facts, visitors);
  }

  private Event read(EventFields client, Long created, Long sent, RequestFacts facts, VisitorIds visitors)
      throws InvalidEventException {
    if (created != null && sent == null) {
      throw new InvalidEventException("missing_sent", "an event with created needs sent, the device time it was sent at");
    }
    return parser.parse(new CollectedFields(client, EventTime.of(facts.receivedAt(), created, sent), facts.userAgent(), visitors),
        facts.ip());
  }

  /** The client's fields with what the collector owns put in. */
  private record CollectedFields(EventFields client, long ts, String userAgent, VisitorIds visitors) implements EventFields {
    @Override
    public String text(String field) throws InvalidEventException {
      return switch (field) {
        case "ua" -> userAgent;
        case "type" -> orElse(client.text(field), "pageview");
        case "id" -> {
          String id = client.text(field);
          yield isAbsent(id) ? RandomIds.eventId() : id;
        }
        case "vid" -> {
          String vid = client.text(field);
          yield isAbsent(vid) ? visitors.fallback() : vid;
        }
        default -> client.text(field);
      };
    }

    @Override
    public long ts() {
      return ts;
    }

    @Override
    public String props() throws InvalidEventException {
      return client.props();
    }

    private static String orElse(String value, String fallback) {
      return isAbsent(value) ? fallback : value;
    }

    /** Absent as EventParser sees it: missing, null or empty. A value of the wrong type is the parser's to refuse. */
    private static boolean isAbsent(String value) {
      return value == null || value.isEmpty();
    }
  }

  private static Long deviceTime(JsonNode value, String field) throws InvalidEventException {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
      throw invalidDeviceTime(field);
    }
    return value.longValue();
  }

  /** As sent in a query: a number parsed as a JSON integer would be, anything else refused. */
  private static Long deviceTime(String value, String field) throws InvalidEventException {
    if (value == null) {
      return null;
    }
    long time;
    try {
      time = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw invalidDeviceTime(field);
    }
    if (time <= 0) {
      throw invalidDeviceTime(field);
    }
    return time;
  }

  private static InvalidEventException invalidDeviceTime(String field) {
    return new InvalidEventException("invalid_" + field, field + " must be an integer of epoch milliseconds > 0");
  }
}
