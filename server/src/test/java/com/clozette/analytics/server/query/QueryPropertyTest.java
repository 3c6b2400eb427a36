package com.clozette.analytics.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventParser;
import com.clozette.analytics.golden.GoldenData;
import com.clozette.analytics.server.TestSystem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random queries (metrics, dimensions, nested filters, ranges cutting hours, compare, order, pages)
 * over random traffic (visits with gaps either side of the session gap, pings, duplicates, a bot,
 * app and web, referrers and UTM sources) imported through the API, each answer compared with
 * {@link ReferenceQuery} over the same events.
 */
class QueryPropertyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SITE = "clozette-id";
  private static final ZoneId ZONE = ZoneId.of("Asia/Jakarta");
  private static final long T0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
  private static final long DAY = 86_400_000L;
  private static final List<String> PATHS = List.of("/", "/looks/1-batik", "/looks/2-sneakers", "/shop/1-baju", "/shop/", "/blog/0-hijab", "/search");
  private static final List<String> REFERRERS = List.of("", "https://www.google.com/", "https://www.instagram.com/p/1", "https://t.co/x");
  private static final List<String> SOURCES = List.of("", "?utm_source=instagram", "?utm_source=google&utm_medium=cpc");
  private static final List<String> AGENTS = List.of(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
      "ClozetteApp/5.2.1 (Android 13; Redmi Note 12)",
      "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)");
  private static final List<String> ATTRIBUTES = List.of("page", "entry", "exit", "referrer", "utm_source", "platform", "device", "browser", "os");
  private static final Map<String, List<String>> VALUES = Map.of(
      "page", PATHS, "entry", PATHS, "exit", PATHS,
      "referrer", List.of("(direct)", "www.google.com", "www.instagram.com", "t.co"),
      "utm_source", List.of("(none)", "instagram", "google"),
      "platform", List.of("web", "app"),
      "device", List.of("Desktop", "Phone", "Unknown"),
      "browser", List.of("Chrome", "Safari", "Unknown", "ClozetteApp"),
      "os", List.of("Windows NT", "iOS", "Android", "Unknown"));
  private static final List<String> FRAGMENTS = List.of("/", "looks", "o", "google", "web", "Ph", "An", "(", "%", "_");
  private static final List<String> METRICS = List.of("pageviews", "visitors", "sessions", "avgSessionSeconds", "avgTimePerVisitorSeconds",
      "bounceRate", "viewsPerSession");

  @TempDir static Path dataDir;
  private static TestSystem system;
  private static ReferenceQuery reference;

  @BeforeAll
  static void importRandomTraffic() throws Exception {
    List<String> lines = randomTraffic(new Random(7));
    system = TestSystem.start(dataDir);
    JsonNode imported = system.importNdjson(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    assertEquals(0, imported.get("rejected").asInt(), imported.toString());
    EventParser parser = new EventParser(JSON, GoldenData.SITES);
    UserAgentClassifier agents = new UserAgentClassifier(100);
    List<Event> events = new ArrayList<>();
    for (String line : lines) {
      Event event = parser.parse(line);
      events.add(event.withUserAgent(agents.classify(event.ua())));
    }
    reference = new ReferenceQuery(events, SITE, 30 * 60_000L);
  }

  /** Lets go of the stopped system too: the test classes of this fork stay loaded, and their static fields with them. */
  @AfterAll
  static void stop() {
    system.close();
    system = null;
    reference = null;
  }

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 60);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aRandomQueryAnswersWhatTheReferenceComputes(long seed) {
    ObjectNode request = randomQuery(new Random(seed));
    HttpResponse<String> response = system.post("/api/v2/query", TestSystem.STAFF_TOKEN, "application/json",
        request.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(200, response.statusCode(), request + " -> " + response.body());
    JsonNode actual = TestSystem.json(response.body());
    JsonNode expected = reference.answer(request, ZONE);
    try {
      GoldenData.assertMatches(expected, actual);
    } catch (AssertionError e) {
      throw new AssertionError(request + "\nexpected " + expected + "\nactual   " + actual, e);
    }
  }

  private static ObjectNode randomQuery(Random random) {
    ObjectNode request = JSON.createObjectNode();
    request.put("site", SITE);
    long from = T0 - DAY / 2 + (long) (random.nextDouble() * 3 * DAY);
    long to = from + 1 + (long) (random.nextDouble() * 2 * DAY);
    ArrayNode range = request.putArray("dateRange");
    if (random.nextInt(3) == 0) {
      String day = Instant.ofEpochMilli(from).atZone(ZONE).toLocalDate().toString();
      range.add(day).add(Instant.ofEpochMilli(from).atZone(ZONE).toLocalDate().plusDays(random.nextInt(3)).toString());
    } else {
      range.add(Instant.ofEpochMilli(from).toString()).add(Instant.ofEpochMilli(to).toString());
    }
    List<String> dimensions = new ArrayList<>();
    if (random.nextInt(3) == 0) {
      dimensions.add(List.of("time:hour", "time:day", "time:week").get(random.nextInt(3)));
    }
    List<String> attributes = new ArrayList<>(ATTRIBUTES);
    Collections.shuffle(attributes, random);
    dimensions.addAll(attributes.subList(0, random.nextInt(3)));
    Collections.shuffle(dimensions, random);
    List<String> metrics = new ArrayList<>(METRICS);
    Collections.shuffle(metrics, random);
    metrics = new ArrayList<>(metrics.subList(0, 1 + random.nextInt(METRICS.size())));
    if (dimensions.contains("page") && random.nextBoolean()) {
      metrics.add(random.nextInt(metrics.size() + 1), "exitRate");
    }
    metrics.forEach(request.putArray("metrics")::add);
    dimensions.forEach(request.putArray("dimensions")::add);
    if (random.nextInt(4) > 0) {
      ArrayNode filters = request.putArray("filters");
      IntStream.range(0, 1 + random.nextInt(2)).forEach(i -> filters.add(randomFilter(random, 1)));
    }
    if (random.nextBoolean()) {
      List<String> fields = new ArrayList<>(metrics);
      fields.addAll(dimensions);
      ArrayNode order = request.putArray("orderBy");
      order.addArray().add(fields.get(random.nextInt(fields.size()))).add(random.nextBoolean() ? "asc" : "desc");
    }
    request.put("limit", 1 + random.nextInt(30));
    request.put("offset", random.nextInt(4) == 0 ? random.nextInt(20) : 0);
    if (random.nextInt(3) == 0) {
      if (random.nextBoolean()) {
        request.put("compare", "previous_period");
      } else {
        long otherFrom = T0 - DAY / 2 + (long) (random.nextDouble() * 3 * DAY);
        request.putArray("compare").add(Instant.ofEpochMilli(otherFrom).toString())
            .add(Instant.ofEpochMilli(otherFrom + 1 + (long) (random.nextDouble() * DAY)).toString());
      }
    }
    return request;
  }

  private static ArrayNode randomFilter(Random random, int depth) {
    ArrayNode filter = JSON.createArrayNode();
    int kind = depth >= 3 ? 0 : random.nextInt(6);
    if (kind == 4) {
      ArrayNode parts = filter.add(random.nextBoolean() ? "and" : "or").addArray();
      IntStream.range(0, 1 + random.nextInt(3)).forEach(i -> parts.add(randomFilter(random, depth + 1)));
    } else if (kind == 5) {
      filter.add("not").add(randomFilter(random, depth + 1));
    } else {
      String dimension = ATTRIBUTES.get(random.nextInt(ATTRIBUTES.size()));
      String operator = List.of("is", "is_not", "contains", "contains_not").get(random.nextInt(4));
      List<String> pool = operator.startsWith("contains") ? FRAGMENTS : VALUES.get(dimension);
      ArrayNode values = filter.add(operator).add(dimension).addArray();
      IntStream.range(0, 1 + random.nextInt(2)).forEach(i -> values.add(pool.get(random.nextInt(pool.size()))));
    }
    return filter;
  }

  /** Visits of 80 visitors over four days: runs of events with gaps under and over the session gap. */
  private static List<String> randomTraffic(Random random) {
    List<String> lines = new ArrayList<>();
    for (int visitor = 0; visitor < 80; visitor++) {
      String agent = AGENTS.get(random.nextInt(AGENTS.size()));
      boolean app = agent.startsWith("ClozetteApp");
      String vid = (app ? "app-" : "web-") + visitor;
      for (int visit = 0, visits = 1 + random.nextInt(4); visit < visits; visit++) {
        long ts = T0 - DAY + (long) (random.nextDouble() * 5 * DAY);
        String referrer = REFERRERS.get(random.nextInt(REFERRERS.size()));
        String source = SOURCES.get(random.nextInt(SOURCES.size()));
        for (int i = 0, events = 1 + random.nextInt(7); i < events; i++) {
          ts += i == 0 ? 0 : List.of(5_000L, 60_000L, 600_000L, 1_800_000L, 1_800_001L, 2_400_000L).get(random.nextInt(6));
          String path = PATHS.get(random.nextInt(PATHS.size()));
          String url = (app ? "app://clozette" : "https://www.clozette.co.id") + path + (i == 0 ? source : "");
          String type = random.nextInt(5) == 0 ? "ping" : "pageview";
          ObjectNode event = JSON.createObjectNode();
          event.put("id", "e-" + visitor + "-" + visit + "-" + i).put("site", SITE).put("type", type).put("ts", ts).put("vid", vid)
              .put("url", url).put("ua", agent).put("platform", app ? "app" : "web");
          if (i == 0 && !referrer.isEmpty()) {
            event.put("ref", referrer);
          }
          lines.add(event.toString());
          if (random.nextInt(30) == 0) {
            lines.add(event.toString());
          }
        }
      }
    }
    Collections.shuffle(lines, random);
    return lines;
  }

}
