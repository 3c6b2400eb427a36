package com.clozette.analytics.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.server.TestSystem;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the query endpoint refuses, and how: a 4xx whose JSON body names the bad part, counted; bounded bodies. */
class QueryApiTest {
  private static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
  @TempDir static Path dataDir;
  private static TestSystem system;

  @BeforeAll
  static void start() {
    system = TestSystem.start(dataDir);
    system.importNdjson(("{\"id\":\"a\",\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":1793573246047,\"vid\":\"v1\","
        + "\"url\":\"https://www.clozette.co.id/looks/1_batik\"}\n"
        + "{\"id\":\"b\",\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":1793573286047,\"vid\":\"v1\","
        + "\"url\":\"https://www.clozette.co.id/shop/50%25\"}\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Lets go of the stopped system too: the test classes of this fork stay loaded, and their static fields with them. */
  @AfterAll
  static void stop() {
    system.close();
    system = null;
  }

  private static HttpResponse<String> post(String body) {
    return system.post("/api/v2/query", TestSystem.STAFF_TOKEN, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  private static final String RANGE = "\"site\": \"clozette-id\", \"dateRange\": [\"2026-11-02\", \"2026-11-08\"]";

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "not json | the body is not valid JSON",
      "[1, 2] | the body must be a JSON object",
      "{\"dateRange\": \"7d\", \"metrics\": [\"pageviews\"]} | site: required",
      "{\"site\": \"clozette-id\", \"metrics\": [\"pageviews\"]} | dateRange: required",
      "{\"site\": \"clozette-id\", \"dateRange\": \"fortnight\", \"metrics\": [\"pageviews\"]} | dateRange: one of day",
      "{\"site\": \"clozette-id\", \"dateRange\": [\"2026-11-02\", \"tomorrow\"], \"metrics\": [\"pageviews\"]} | dateRange[1]: a date",
      "{RANGE} | metrics: required",
      "{RANGE, \"metrics\": [\"pageviews\", \"hits\"]} | metrics[1]: unknown metric 'hits'",
      "{RANGE, \"metrics\": [\"pageviews\", \"pageviews\"]} | metrics[1]: pageviews is asked twice",
      "{RANGE, \"metrics\": [\"exitRate\"]} | metrics: exitRate needs the page dimension",
      "{RANGE, \"metrics\": [\"pageviews\"], \"dimensions\": [\"pag\"]} | dimensions[0]: unknown dimension 'pag'",
      "{RANGE, \"metrics\": [\"pageviews\"], \"dimensions\": [\"time:day\", \"time:hour\"]} | dimensions[1]: at most one time dimension",
      "{RANGE, \"metrics\": [\"pageviews\"], \"dimensions\": [\"page\", \"os\", \"device\", \"browser\"]} | dimensions: a list of at most 3",
      "{RANGE, \"metrics\": [\"pageviews\"], \"filters\": [[\"is\", \"page\", [\"/\"]], [\"or\", [[\"is\", \"pag\", [\"/\"]]]]]} | filters[1][1][0][1]: unknown dimension 'pag'",
      "{RANGE, \"metrics\": [\"pageviews\"], \"filters\": [[\"matches\", \"page\", [\"/.*\"]]]} | filters[0][0]: unknown operator 'matches'",
      "{RANGE, \"metrics\": [\"pageviews\"], \"filters\": [[\"is\", \"page\", []]]} | filters[0][2]: a list of 1 to 100 values",
      "{RANGE, \"metrics\": [\"pageviews\"], \"filters\": [[\"is\", \"time:day\", [\"x\"]]]} | filters[0][1]: time cannot be filtered",
      "{RANGE, \"metrics\": [\"pageviews\"], \"filters\": [[\"not\", [\"not\", [\"not\", [\"not\", [\"not\", [\"is\", \"page\", [\"/\"]]]]]]]]} | filters nest at most 5 deep",
      "{RANGE, \"metrics\": [\"pageviews\"], \"orderBy\": [[\"visitors\", \"desc\"]]} | orderBy[0][0]: 'visitors' is not a requested metric or dimension",
      "{RANGE, \"metrics\": [\"pageviews\"], \"limit\": 0} | limit: an integer from 1 to 1000",
      "{RANGE, \"metrics\": [\"pageviews\"], \"offset\": 1.5} | offset: an integer from 0 to 1000000",
      "{RANGE, \"metrics\": [\"pageviews\"], \"compare\": \"last_week\"} | compare: one of day",
      "{RANGE, \"metrics\": [\"pageviews\"], \"segments\": []} | segments: unknown field",
  })
  void aBadQueryIs400InvalidQueryNamingTheBadPart(String body, String message) {
    HttpResponse<String> response = post(body.replace("{RANGE", "{" + RANGE));
    assertEquals(400, response.statusCode(), response.body());
    JsonNode error = TestSystem.json(response.body());
    assertEquals("invalid_query", error.get("error").asText());
    assertTrue(error.get("message").asText().contains(message), error.get("message").asText());
  }

  /**
   * The period before a whole month is the month before (February before March, not the 31 days
   * before, which would start on January 29), and before whole days as many local days.
   */
  @Test
  void thePreviousPeriodOfWholeMonthsIsTheMonthsBeforeAndOfWholeDaysTheDaysBefore() {
    JsonNode march = TestSystem.json(post("{\"site\": \"clozette-id\", \"dateRange\": [\"2026-03-01\", \"2026-03-31\"],"
        + " \"metrics\": [\"pageviews\"], \"compare\": \"previous_period\"}").body());
    assertEquals("2026-01-31T17:00:00Z", march.get("compareFrom").asText(), march.toString());
    assertEquals("2026-02-28T17:00:00Z", march.get("compareTo").asText(), march.toString());
    JsonNode week = TestSystem.json(post("{" + RANGE + ", \"metrics\": [\"pageviews\"], \"compare\": \"previous_period\"}").body());
    assertEquals("2026-10-25T17:00:00Z", week.get("compareFrom").asText(), week.toString());
  }

  /** A comparison range out of bounds is refused naming compare. */
  @Test
  void aComparisonOutOfBoundsIsRefusedNamingCompare() {
    HttpResponse<String> refused = post("{" + RANGE + ", \"metrics\": [\"pageviews\"], \"compare\": [\"1999-01-01\", \"1999-01-02\"]}");
    assertEquals(400, refused.statusCode(), refused.body());
    assertTrue(TestSystem.json(refused.body()).get("message").asText().startsWith("compare"), refused.body());
  }

  @Test
  void rangesOutsideTheServedYearsOrTooManyBucketsAreRefusedAsForV1() {
    HttpResponse<String> early = post("{\"site\": \"clozette-id\", \"dateRange\": [\"1999-12-31\", \"2026-11-08\"], \"metrics\": [\"pageviews\"]}");
    assertEquals(400, early.statusCode());
    assertEquals("invalid_range", TestSystem.json(early.body()).get("error").asText());
    HttpResponse<String> backwards = post("{\"site\": \"clozette-id\", \"dateRange\": [\"2026-11-08\", \"2026-11-02\"], \"metrics\": [\"pageviews\"]}");
    assertEquals("invalid_range", TestSystem.json(backwards.body()).get("error").asText());
    HttpResponse<String> hours = post("{\"site\": \"clozette-id\", \"dateRange\": [\"2026-01-01\", \"2026-12-31\"], \"metrics\": [\"pageviews\"], \"dimensions\": [\"time:hour\"]}");
    assertEquals(400, hours.statusCode());
    assertEquals("too_many_buckets", TestSystem.json(hours.body()).get("error").asText());
    HttpResponse<String> compared = post("{" + RANGE + ", \"metrics\": [\"pageviews\"], \"compare\": [\"1999-12-31T00:00:00Z\", \"2000-01-02\"]}");
    assertEquals("invalid_range", TestSystem.json(compared.body()).get("error").asText());
  }

  @Test
  void aBodyOver64KbIs413AndCounted() {
    String filler = "x".repeat(70 * 1024);
    HttpResponse<String> response = post("{" + RANGE + ", \"metrics\": [\"pageviews\"], \"filters\": [[\"is\", \"page\", [\"" + filler + "\"]]]}");
    assertEquals(413, response.statusCode());
    assertEquals("body_too_large", TestSystem.json(response.body()).get("error").asText());
    String metrics = system.get("/metrics", null).body();
    assertTrue(metrics.lines().anyMatch(line -> line.startsWith("analytics_api_errors_total") && line.contains("body_too_large")), metrics);
  }

  @Test
  void containsIsAPlainSubstringNotAPattern() {
    assertEquals(List.of("/shop/50%25"), pages("[[\"contains\", \"page\", [\"%\"]]]"));
    assertEquals(List.of("/looks/1_batik"), pages("[[\"contains\", \"page\", [\"_\"]]]"));
    assertEquals(List.of(), pages("[[\"contains\", \"page\", [\".*\"]]]"));
    assertEquals(List.of("/looks/1_batik", "/shop/50%25"), pages("[[\"contains_not\", \"page\", [\"'\"]]]"));
  }

  private static List<String> pages(String filters) {
    HttpResponse<String> response = post("{" + RANGE + ", \"metrics\": [\"pageviews\"], \"dimensions\": [\"page\"], \"filters\": " + filters
        + ", \"orderBy\": [[\"page\", \"asc\"]]}");
    assertEquals(200, response.statusCode(), response.body());
    return TestSystem.json(response.body()).get("results").findValues("dimensions").stream().map(d -> d.get(0).asText()).toList();
  }

  /** Answers are cached: one that events of either range made stale is dropped, not served again. */
  @Test
  void aCachedAnswerIsDroppedWhenEventsArriveInEitherRange() {
    String body = "{\"site\": \"clozette-sg\", \"dateRange\": [\"2026-11-09\", \"2026-11-10\"], \"metrics\": [\"pageviews\"], "
        + "\"filters\": [[\"is\", \"page\", [\"/cached\"]]], \"compare\": [\"2026-11-01\", \"2026-11-02\"]}";
    assertEquals("[0] [0]", figures(body));
    assertEquals("[0] [0]", figures(body));
    importPageview("in-range", "2026-11-09T04:00:00Z");
    assertEquals("[1] [0]", figures(body));
    importPageview("in-compare-range", "2026-11-01T04:00:00Z");
    assertEquals("[1] [1]", figures(body));
  }

  private static String figures(String body) {
    HttpResponse<String> response = post(body);
    assertEquals(200, response.statusCode(), response.body());
    JsonNode row = TestSystem.json(response.body()).get("results").get(0);
    return row.get("metrics") + " " + row.get("comparison").get("metrics");
  }

  private static void importPageview(String id, String time) {
    system.importNdjson(("{\"id\":\"" + id + "\",\"site\":\"clozette-sg\",\"type\":\"pageview\",\"ts\":" + Instant.parse(time).toEpochMilli()
        + ",\"vid\":\"v-" + id + "\",\"url\":\"https://www.clozette.sg/cached\"}\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void relativeRangesAreWholeDaysEndingWithTodayInTheSiteZone() {
    for (String word : List.of("day", "7d", "30d", "month", "year")) {
      LocalDate before = LocalDate.now(JAKARTA);
      HttpResponse<String> response = post("{\"site\": \"clozette-id\", \"dateRange\": \"" + word + "\", \"metrics\": [\"pageviews\"]}");
      LocalDate after = LocalDate.now(JAKARTA);
      assertEquals(200, response.statusCode(), response.body());
      JsonNode answer = TestSystem.json(response.body());
      java.util.Set<String> expected = new java.util.HashSet<>();
      for (LocalDate today : List.of(before, after)) {
        LocalDate first = switch (word) {
          case "day" -> today;
          case "7d" -> today.minusDays(6);
          case "30d" -> today.minusDays(29);
          case "month" -> today.withDayOfMonth(1);
          default -> today.withDayOfYear(1);
        };
        LocalDate end = switch (word) {
          case "month" -> first.plusMonths(1);
          case "year" -> first.plusYears(1);
          default -> today.plusDays(1);
        };
        expected.add(first.atStartOfDay(JAKARTA).toInstant() + " " + end.atStartOfDay(JAKARTA).toInstant());
      }
      assertTrue(expected.contains(answer.get("from").asText() + " " + answer.get("to").asText()), word + ": " + answer);
    }
  }
}
