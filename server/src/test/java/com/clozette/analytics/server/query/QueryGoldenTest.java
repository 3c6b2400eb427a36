package com.clozette.analytics.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.golden.GoldenData;
import com.clozette.analytics.server.TestSystem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The query API over the golden set, through real HTTP against a real DuckDB file: each query of a
 * table (every operator and combinator, dimensions, compare, ordering, pagination) answers what
 * {@link ReferenceQuery} computes from the golden events; and without filters every figure is the
 * /api/v1 report's and time series'.
 */
class QueryGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long GAP = 30 * 60_000L;
  private static final Map<String, ZoneId> ZONES = Map.of("clozette-id", ZoneId.of("Asia/Jakarta"), "clozette-sg", ZoneId.of("Asia/Singapore"));
  private static final String ALL_METRICS = "[\"pageviews\", \"visitors\", \"sessions\", \"avgSessionSeconds\", \"avgTimePerVisitorSeconds\", \"bounceRate\", \"viewsPerSession\"]";

  @TempDir static Path dataDir;
  private static TestSystem system;
  private static Map<String, ReferenceQuery> reference;

  @BeforeAll
  static void importGoldenSet() {
    system = TestSystem.startWithGoldenData(dataDir);
    List<Event> events = GoldenData.acceptedEvents();
    reference = Map.of("clozette-id", new ReferenceQuery(events, "clozette-id", GAP), "clozette-sg", new ReferenceQuery(events, "clozette-sg", GAP));
  }

  /** Lets go of the stopped system too: the test classes of this fork stay loaded, and their static fields with them. */
  @AfterAll
  static void stop() {
    system.close();
    system = null;
    reference = null;
  }

  static List<String> cases() {
    String week = "\"dateRange\": [\"2026-11-02\", \"2026-11-08\"], ";
    String id = "{\"site\": \"clozette-id\", " + week;
    return List.of(
        id + "\"metrics\": " + ALL_METRICS + "}",
        id + "\"metrics\": " + ALL_METRICS + ", \"filters\": [[\"is\", \"page\", [\"/trending\", \"/login\"]]]}",
        id + "\"metrics\": " + ALL_METRICS + ", \"filters\": [[\"is_not\", \"page\", [\"/\"]]]}",
        id + "\"metrics\": " + ALL_METRICS + ", \"filters\": [[\"contains\", \"page\", [\"/looks/\"]], [\"is\", \"referrer\", [\"www.instagram.com\"]]]}",
        id + "\"metrics\": " + ALL_METRICS + ", \"filters\": [[\"contains_not\", \"page\", [\"batik\", \"hijab\"]]], \"dimensions\": [\"time:day\"]}",
        id + "\"metrics\": [\"pageviews\", \"visitors\", \"sessions\"], \"filters\": [[\"or\", [[\"is\", \"utm_source\", [\"instagram\"]], [\"is\", \"platform\", [\"app\"]]]]], \"dimensions\": [\"platform\", \"utm_source\"]}",
        id + "\"metrics\": [\"pageviews\", \"bounceRate\"], \"filters\": [[\"not\", [\"is\", \"referrer\", [\"(direct)\"]]]], \"dimensions\": [\"referrer\"]}",
        id + "\"metrics\": [\"sessions\", \"pageviews\", \"exitRate\"], \"dimensions\": [\"page\"], \"limit\": 7, \"offset\": 3}",
        id + "\"metrics\": [\"pageviews\", \"exitRate\", \"sessions\"], \"dimensions\": [\"page\"], \"filters\": [[\"contains\", \"page\", [\"/shop\"]]], \"orderBy\": [[\"exitRate\", \"desc\"]]}",
        id + "\"metrics\": [\"visitors\", \"avgTimePerVisitorSeconds\"], \"dimensions\": [\"entry\", \"device\"], \"orderBy\": [[\"device\", \"asc\"], [\"visitors\", \"desc\"]], \"limit\": 15}",
        id + "\"metrics\": [\"sessions\", \"avgSessionSeconds\"], \"dimensions\": [\"exit\"], \"filters\": [[\"and\", [[\"contains\", \"browser\", [\"Chrome\", \"Safari\"]], [\"not\", [\"is\", \"os\", [\"Windows\"]]]]]]}",
        id + "\"metrics\": [\"pageviews\", \"viewsPerSession\"], \"dimensions\": [\"browser\", \"os\", \"time:day\"], \"limit\": 1000}",
        id + "\"metrics\": [\"pageviews\", \"visitors\", \"sessions\"], \"dimensions\": [\"time:hour\"], \"filters\": [[\"is\", \"platform\", [\"web\"]]], \"limit\": 50, \"offset\": 20}",
        id + "\"metrics\": [\"pageviews\", \"visitors\"], \"dimensions\": [\"time:week\", \"utm_source\"]}",
        id + "\"metrics\": [\"pageviews\", \"sessions\", \"bounceRate\"], \"dimensions\": [\"referrer\"], \"compare\": [\"2026-11-02\", \"2026-11-04\"]}",
        id + "\"metrics\": [\"pageviews\", \"sessions\"], \"dimensions\": [\"time:day\"], \"filters\": [[\"contains\", \"referrer\", [\"google\"]]], \"compare\": [\"2026-11-05\", \"2026-11-06\"]}",
        "{\"site\": \"clozette-id\", \"dateRange\": [\"2026-11-05\", \"2026-11-08\"], \"metrics\": " + ALL_METRICS + ", \"compare\": \"previous_period\", \"dimensions\": [\"time:day\"]}",
        "{\"site\": \"clozette-id\", \"dateRange\": [\"2026-11-05\", \"2026-11-08\"], \"metrics\": [\"pageviews\", \"visitors\"], \"dimensions\": [\"page\"], \"filters\": [[\"is\", \"platform\", [\"web\"]]], \"compare\": \"previous_period\", \"limit\": 20}",
        "{\"site\": \"clozette-id\", \"dateRange\": [\"2026-11-03T05:17:00Z\", \"2026-11-05T13:41:00Z\"], \"metrics\": " + ALL_METRICS + ", \"filters\": [[\"contains\", \"page\", [\"o\"]]]}",
        "{\"site\": \"clozette-id\", \"dateRange\": [\"2026-11-03T05:17:00Z\", \"2026-11-05T13:41:00Z\"], \"metrics\": " + ALL_METRICS + ", \"dimensions\": [\"time:hour\"], \"limit\": 1000}",
        "{\"site\": \"clozette-id\", \"dateRange\": [\"2026-11-02\", \"2026-11-30\"], \"metrics\": [\"pageviews\", \"sessions\"], \"dimensions\": [\"time:month\", \"platform\"], \"compare\": \"previous_period\"}",
        "{\"site\": \"clozette-sg\", " + week + "\"metrics\": " + ALL_METRICS + ", \"dimensions\": [\"platform\"], \"filters\": [[\"contains_not\", \"page\", [\"/looks\"]]]}",
        "{\"site\": \"clozette-sg\", " + week + "\"metrics\": [\"pageviews\", \"sessions\", \"exitRate\"], \"dimensions\": [\"page\", \"entry\"], \"filters\": [[\"or\", [[\"is\", \"entry\", [\"/\"]], [\"and\", [[\"is\", \"exit\", [\"/login\"]], [\"not\", [\"contains\", \"page\", [\"sneakers\"]]]]]]]]}",
        "{\"site\": \"clozette-sg\", " + week + "\"metrics\": [\"visitors\", \"sessions\", \"avgSessionSeconds\", \"bounceRate\"], \"dimensions\": [\"time:day\"], \"compare\": \"previous_period\"}",
        "{\"site\": \"nowhere\", " + week + "\"metrics\": " + ALL_METRICS + ", \"dimensions\": [\"page\"]}");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersWhatTheReferenceComputesFromTheEvents(String body) throws Exception {
    JsonNode request = JSON.readTree(body);
    String site = request.get("site").asText();
    JsonNode actual = query(body);
    ReferenceQuery oracle = reference.get(site);
    if (oracle == null) {
      assertEquals(0, actual.get("totalRows").asInt(), actual.toString());
      return;
    }
    JsonNode expected = oracle.answer(request, ZONES.get(site));
    assertTrue(expected.get("totalRows").asInt() > 0, "a case that selects nothing proves little: " + body);
    GoldenData.assertMatches(expected, actual);
    assertEquals(expected.get("results").size(), actual.get("results").size(), actual.toString());
  }

  @Test
  void theTableExercisesEveryOperatorCombinatorDimensionAndMetric() {
    String all = String.join("\n", cases());
    for (String word : List.of("\"is\"", "\"is_not\"", "\"contains\"", "\"contains_not\"", "\"and\"", "\"or\"", "\"not\"",
        "time:hour", "time:day", "time:week", "time:month", "\"page\"", "\"entry\"", "\"exit\"", "\"referrer\"", "\"utm_source\"",
        "\"platform\"", "\"device\"", "\"browser\"", "\"os\"", "exitRate", "viewsPerSession", "previous_period", "\"offset\"", "orderBy")) {
      assertTrue(all.contains(word), word + " is not exercised");
    }
  }

  static List<GoldenData.Query> reports() {
    return GoldenData.queries();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reports")
  void withoutFiltersEveryFigureEqualsTheV1Report(GoldenData.Query golden) {
    JsonNode report = system.report(golden.queryString());
    String range = "\"site\": \"" + golden.site() + "\", \"dateRange\": [\"" + golden.from() + "\", \"" + golden.to() + "\"]";
    JsonNode totals = query("{" + range + ", \"metrics\": " + ALL_METRICS + "}").get("results").get(0).get("metrics");
    String[] names = {"pageviews", "visitors", "sessions", "avgSessionSeconds", "avgTimePerVisitorSeconds", "bounceRate"};
    for (int i = 0; i < names.length; i++) {
      assertEquals(report.get(names[i]).doubleValue(), totals.get(i).doubleValue(), 1e-9, names[i]);
    }
    assertEquals(report.get("sessions").asLong() == 0 ? 0.0 : Math.round(report.get("pageviews").asDouble() / report.get("sessions").asDouble() * 1e6) / 1e6,
        totals.get(6).doubleValue(), 1e-9, "viewsPerSession");

    int top = golden.top();
    JsonNode entries = query("{" + range + ", \"metrics\": [\"sessions\"], \"dimensions\": [\"entry\"], \"limit\": " + top + "}");
    assertPages(report.get("entryPages"), entries);
    JsonNode exits = query("{" + range + ", \"metrics\": [\"sessions\"], \"dimensions\": [\"exit\"], \"limit\": " + top + "}");
    assertPages(report.get("exitPages"), exits);
    for (JsonNode exit : report.get("exitPages")) {
      JsonNode page = query("{" + range + ", \"metrics\": [\"exitRate\"], \"dimensions\": [\"page\"], \"filters\": [[\"is\", \"page\", ["
          + JSON.valueToTree(exit.get("path").asText()) + "]]]}");
      JsonNode rows = page.get("results");
      double rate = rows.isEmpty() ? 0.0 : rows.get(0).get("metrics").get(0).doubleValue();
      assertEquals(exit.get("exitRate").doubleValue(), rate, 1e-9, "exitRate of " + exit.get("path"));
    }
  }

  @Test
  void withoutFiltersEveryBucketEqualsTheV1TimeSeries() {
    for (String interval : List.of("hour", "day", "week", "month")) {
      for (String site : List.of("clozette-id", "clozette-sg")) {
        String from = "2026-11-01T09:30:00Z";
        String to = "2026-11-09T03:15:00Z";
        HttpResponse<String> series = system.get("/api/v1/timeseries?site=" + site + "&from=" + from + "&to=" + to + "&interval=" + interval,
            TestSystem.STAFF_TOKEN);
        assertEquals(200, series.statusCode(), series.body());
        JsonNode buckets = TestSystem.json(series.body()).get("buckets");
        JsonNode rows = query("{\"site\": \"" + site + "\", \"dateRange\": [\"" + from + "\", \"" + to + "\"], \"metrics\": " + ALL_METRICS
            + ", \"dimensions\": [\"time:" + interval + "\"], \"limit\": 1000}").get("results");
        assertEquals(buckets.size(), rows.size(), interval);
        String[] names = {"pageviews", "visitors", "sessions", "avgSessionSeconds", "avgTimePerVisitorSeconds", "bounceRate"};
        for (int b = 0; b < buckets.size(); b++) {
          assertEquals(buckets.get(b).get("start").asText(), rows.get(b).get("dimensions").get(0).asText());
          for (int i = 0; i < names.length; i++) {
            assertEquals(buckets.get(b).get(names[i]).doubleValue(), rows.get(b).get("metrics").get(i).doubleValue(), 1e-9,
                interval + " bucket " + b + " " + names[i]);
          }
        }
      }
    }
  }

  @Test
  void theFilteredScanAgreesWithTheRollupsWhenTheFilterLetsEverythingThrough() {
    String range = "\"site\": \"clozette-id\", \"dateRange\": [\"2026-11-03T05:17:00Z\", \"2026-11-08T13:41:00Z\"], \"metrics\": " + ALL_METRICS
        + ", \"dimensions\": [\"time:day\"], \"compare\": \"previous_period\"";
    JsonNode fromRollups = query("{" + range + "}");
    JsonNode fromDetail = query("{" + range + ", \"filters\": [[\"contains\", \"page\", [\"/\"]]]}");
    GoldenData.assertMatches(fromRollups.get("results"), fromDetail.get("results"));
  }

  private static void assertPages(JsonNode expected, JsonNode answer) {
    ArrayNode rows = (ArrayNode) answer.get("results");
    assertEquals(expected.size(), rows.size(), answer.toString());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).get("path").asText(), rows.get(i).get("dimensions").get(0).asText());
      assertEquals(expected.get(i).get("sessions").asLong(), rows.get(i).get("metrics").get(0).asLong());
    }
  }

  static JsonNode query(String body) {
    HttpResponse<String> response = system.post("/api/v2/query", TestSystem.STAFF_TOKEN, "application/json", body.getBytes(StandardCharsets.UTF_8));
    assertEquals(200, response.statusCode(), body + " -> " + response.body());
    return TestSystem.json(response.body());
  }
}
