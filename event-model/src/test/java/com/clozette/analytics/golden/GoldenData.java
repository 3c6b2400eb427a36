package com.clozette.analytics.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventParser;
import com.clozette.analytics.event.InvalidEventException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The golden data set of RULES.md (a copy of shared/golden, in this module's test resources) and
 * the comparison every golden test uses: field by field, floats within 1e-6.
 */
public final class GoldenData {
  public static final Set<String> SITES = Set.of("clozette-id", "clozette-sg");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double TOLERANCE = 1e-6;

  private GoldenData() {}

  /** One report query of expected.json with the answer it must get. */
  public record Query(String site, String from, String to, int top, JsonNode expected) {
    public String queryString() {
      return "site=" + site + "&from=" + from + "&to=" + to + "&top=" + top;
    }
  }

  /** The raw bytes of events.ndjson: a week of traffic, with duplicates, bots and nine malformed lines. */
  public static byte[] eventsNdjson() {
    return resource("golden/events.ndjson");
  }

  /**
   * Every line the collector or import accepts, enriched as they enrich it (bots flagged, copies of
   * an event kept), in file order; the nine malformed lines are left out.
   */
  public static List<Event> acceptedEvents() {
    EventParser parser = new EventParser(JSON, SITES);
    UserAgentClassifier userAgents = new UserAgentClassifier(1000);
    List<Event> events = new ArrayList<>();
    for (String line : eventLines()) {
      try {
        Event event = parser.parse(line);
        events.add(event.withUserAgent(userAgents.classify(event.ua())));
      } catch (InvalidEventException malformed) {
        // rejected at the edge: never stored
      }
    }
    return events;
  }

  /** The lines of events.ndjson as text, in file order. */
  public static List<String> eventLines() {
    String text = new String(eventsNdjson(), StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  public static JsonNode expected() {
    try {
      return JSON.readTree(resource("golden/expected.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The expected import answer: accepted, duplicates, rejected. */
  public static JsonNode expectedImport() {
    return expected().get("import");
  }

  public static List<Query> queries() {
    List<Query> queries = new ArrayList<>();
    for (JsonNode report : expected().get("reports")) {
      JsonNode q = report.get("query");
      queries.add(new Query(q.get("site").asText(), q.get("from").asText(), q.get("to").asText(), q.get("top").asInt(), report.get("expected")));
    }
    return queries;
  }

  /**
   * Asserts that every field of {@code expected} is in {@code actual} with the same value: numbers
   * within 1e-6, lists element by element in order, objects recursively. Extra fields in
   * {@code actual} are allowed (reports may say more than the golden set checks).
   */
  public static void assertMatches(JsonNode expected, JsonNode actual) {
    assertMatches("", expected, actual);
  }

  private static void assertMatches(String path, JsonNode expected, JsonNode actual) {
    assertTrue(actual != null && !actual.isMissingNode(), "missing " + path);
    if (expected.isNumber()) {
      assertTrue(actual.isNumber(), path + " is not a number: " + actual);
      assertEquals(expected.doubleValue(), actual.doubleValue(), TOLERANCE, path);
    } else if (expected.isArray()) {
      assertTrue(actual.isArray(), path + " is not a list: " + actual);
      assertEquals(expected.size(), actual.size(), path + " length; actual " + actual);
      for (int i = 0; i < expected.size(); i++) {
        assertMatches(path + "[" + i + "]", expected.get(i), actual.get(i));
      }
    } else if (expected.isObject()) {
      assertTrue(actual.isObject(), path + " is not an object: " + actual);
      Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        assertMatches(path + "." + field.getKey(), field.getValue(), actual.get(field.getKey()));
      }
    } else {
      assertEquals(expected, actual, path);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = GoldenData.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + name + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
