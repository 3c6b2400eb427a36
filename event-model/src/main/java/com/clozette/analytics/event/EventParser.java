package com.clozette.analytics.event;

import static com.clozette.analytics.event.EventLimits.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * Turns one JSON object in the RULES.md event format into an {@link Event}, or says which rule it
 * breaks. The only place event fields are validated: the collector fills in what it derives (time,
 * ids, visitor cookie) before calling it, the importer calls it on each line as sent.
 */
public final class EventParser {
  private final ObjectMapper json;
  private final Set<String> knownSites;

  /** @param knownSites the sites declared in config; any other site is rejected */
  public EventParser(ObjectMapper json, Set<String> knownSites) {
    this.json = json;
    this.knownSites = Set.copyOf(knownSites);
  }

  /** Parses one line of NDJSON (or one JSON body) as an event. */
  public Event parse(String line) throws InvalidEventException {
    JsonNode node;
    try {
      node = json.readTree(line);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("malformed_json", "not valid JSON: " + withoutLocation(e.getOriginalMessage()));
    }
    return parse(node);
  }

  /** Validates a JSON object as an event. Unknown fields are ignored. */
  public Event parse(JsonNode node) throws InvalidEventException {
    if (!(node instanceof ObjectNode object)) {
      throw new InvalidEventException("not_an_object", "an event must be a JSON object");
    }
    return parse(EventFields.of(object), null);
  }

  /**
   * Validates an event's fields, wherever they were read from; the one place the rules are applied,
   * in this order, so every source reports the same first problem.
   *
   * @param anonymizedIp the client's address as the collector anonymised it, or null
   */
  public Event parse(EventFields fields, String anonymizedIp) throws InvalidEventException {
    String site = requiredText(fields, "site", 64);
    if (!SITE.matcher(site).matches()) {
      throw new InvalidEventException("invalid_site", "site must match ^[a-z0-9][a-z0-9-]{0,63}$");
    }
    if (!knownSites.contains(site)) {
      throw new InvalidEventException("unknown_site", "site '" + site + "' is not configured");
    }
    String id = requiredText(fields, "id", MAX_ID_LENGTH);
    EventType type = EventType.fromWireName(requiredText(fields, "type", 16));
    if (type == null) {
      throw new InvalidEventException("invalid_type", "type must be one of pageview, ping, event");
    }
    long ts = fields.ts();
    String vid = requiredText(fields, "vid", MAX_VID_LENGTH);
    String url = optionalText(fields, "url", MAX_URL_LENGTH);
    if (url != null && !Urls.isAbsolute(url)) {
      throw new InvalidEventException("invalid_url", "url must be an absolute URL with scheme and host");
    }
    if (type == EventType.PAGEVIEW && url == null) {
      throw new InvalidEventException("missing_url", "url is required for a pageview");
    }
    String name = optionalText(fields, "name", MAX_NAME_LENGTH);
    if (type == EventType.EVENT && name == null) {
      throw new InvalidEventException("missing_name", "name is required for a custom event");
    }
    Platform platform = Platform.WEB;
    String platformName = optionalText(fields, "platform", 8);
    if (platformName != null) {
      platform = Platform.fromWireName(platformName);
      if (platform == null) {
        throw new InvalidEventException("invalid_platform", "platform must be web or app");
      }
    }
    return new Event(
        id, site, type, ts, vid, url,
        optionalText(fields, "ref", MAX_REF_LENGTH),
        optionalText(fields, "ua", MAX_UA_LENGTH),
        platform, name, props(fields), false, null, null, null, null, anonymizedIp);
  }

  /** Jackson's messages may quote the input's location; the line number says enough. */
  private static String withoutLocation(String message) {
    int location = message.indexOf(" (start marker at");
    return location < 0 ? message : message.substring(0, location);
  }

  private static String requiredText(EventFields fields, String field, int maxLength) throws InvalidEventException {
    String value = optionalText(fields, field, maxLength);
    if (value == null) {
      throw new InvalidEventException("missing_" + field, field + " is required");
    }
    return value;
  }

  private static String optionalText(EventFields fields, String field, int maxLength) throws InvalidEventException {
    String text = fields.text(field);
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (text.length() > maxLength) {
      throw new InvalidEventException("invalid_" + field, field + " must be at most " + maxLength + " characters");
    }
    return text;
  }

  private static String props(EventFields fields) throws InvalidEventException {
    String text = fields.props();
    if (text != null && text.length() > MAX_PROPS_LENGTH) {
      throw new InvalidEventException("invalid_props", "props must be at most " + MAX_PROPS_LENGTH + " characters of JSON");
    }
    return text;
  }
}
