package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad requests to the report, export and import API get a clear 4xx JSON error, at once, and change nothing. */
class ApiBadInputTest {
  private static final String WEEK = "site=clozette-id&from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z";
  @TempDir static Path dataDir;
  private static TestSystem system;

  @BeforeAll
  static void start() {
    system = TestSystem.start(dataDir);
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  @ParameterizedTest(name = "report?{0} is {1} {2}")
  @CsvSource(delimiter = '|', value = {
      "from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z|400|missing_parameter",
      "site=clozette-id&to=2026-11-09T00:00:00Z|400|missing_parameter",
      "site=clozette-id&from=yesterday&to=2026-11-09T00:00:00Z|400|invalid_parameter",
      "site=clozette-id&from=2026-11-02T00:00:00Z&to=2026-13-09T00:00:00Z|400|invalid_parameter",
      "site=clozette-id&from=2026-11-09T00:00:00Z&to=2026-11-02T00:00:00Z|400|invalid_range",
      "site=clozette-id&from=2026-11-09T00:00:00Z&to=2026-11-09T00:00:00Z|400|invalid_range",
      "site=clozette-id&from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z&top=0|400|invalid_parameter",
      "site=clozette-id&from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z&top=ten|400|invalid_parameter",
  })
  void badReportQueryIsAClearError(String query, int status, String code) {
    HttpResponse<String> response = system.get("/api/v1/report?" + query, TestSystem.STAFF_TOKEN);
    assertError(response, status, code);
  }

  @Test
  void unknownSiteReportsZerosNotAnError() {
    JsonNode report = system.report("site=no-such-site&from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z");
    assertEquals(0, report.get("pageviews").asLong());
    assertTrue(report.get("entryPages").isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "/api/v1/export?site=no-such-site&from=2026-11-02&to=2026-11-09",
      "/api/v1/export/pages?site=no-such-site&from=2026-11-02&to=2026-11-09&format=json",
  })
  void anExportOfAnUnknownSiteIsAClearError(String pathAndQuery) {
    assertError(system.get(pathAndQuery, TestSystem.STAFF_TOKEN), 400, "unknown_site");
  }

  @Test
  void partnerLearnsNothingOfSitesItWasNotGranted() {
    assertError(system.get("/api/v1/export?site=no-such-site&from=2026-11-02&to=2026-11-09", TestSystem.PARTNER_TOKEN), 403, "forbidden");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "/api/v1/export?site=x%22%3B%20filename%3Devil.sh&from=2026-11-02&to=2026-11-09&format=csv",
      "/api/v1/export/pages?site=x%22%3B%20filename%3Devil.sh&from=2026-11-02&to=2026-11-09&format=csv",
  })
  void aSiteThatIsNotConfiguredNeverReachesTheDownloadHeader(String pathAndQuery) {
    HttpResponse<String> response = system.get(pathAndQuery, TestSystem.STAFF_TOKEN);
    assertError(response, 400, "unknown_site");
    assertTrue(response.headers().firstValue("Content-Disposition").isEmpty(), response.headers().toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "/api/v1/export?site=clozette-id&from=2000-01-01&to=%2B40000-01-01T00:00:00Z",
      "/api/v1/export/pages?site=clozette-id&from=2000-01-01&to=%2B40000-01-01T00:00:00Z",
      "/api/v1/export?site=clozette-id&from=1970-01-01&to=2026-11-09",
      "/api/v1/report?site=clozette-id&from=2026-11-02&to=%2B40000-01-01T00:00:00Z",
      "/api/v1/report?site=clozette-id&from=-999999-01-01T00:00:00Z&to=2026-11-09",
      "/api/v1/timeseries?site=clozette-id&from=2000-01-01&to=3000-01-01&interval=hour",
      "/api/v1/timeseries?site=clozette-id&from=2000-01-01&to=%2B40000-01-01T00:00:00Z&interval=month",
      "/api/v1/breakdown?site=clozette-id&from=2026-11-02&to=2100-01-02&by=page",
      "/api/v1/visitors?site=clozette-id&from=1999-12-31&to=2026-11-09",
  })
  void aRangeBeyondTheServedYearsIsRefusedAtOnce(String pathAndQuery) {
    long started = System.nanoTime();
    HttpResponse<String> response = system.get(pathAndQuery, TestSystem.STAFF_TOKEN);
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertError(response, 400, "invalid_range");
    assertTrue(TestSystem.json(response.body()).get("message").asText().contains("2000-01-01 and 2100-01-01"), response.body());
    assertTrue(millis < 1000, "answered in " + millis + " ms");
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(delimiter = '|', value = {
      "from=2026-01-01&to=2026-04-04&interval=hour|200",
      "from=2026-01-01&to=2026-04-05&interval=hour|400",
      "from=2000-01-01&to=2100-01-01&interval=hour|400",
      "from=2000-01-01&to=2100-01-01&interval=day|400",
      "from=2000-01-01&to=2100-01-01&interval=week|400",
      "from=2000-01-01&to=2100-01-01&interval=month|200",
  })
  void timeSeriesHoldsAtMost93DaysOfHours(String query, int status) {
    HttpResponse<String> response = system.get("/api/v1/timeseries?site=clozette-id&" + query, TestSystem.STAFF_TOKEN);
    if (status == 200) {
      assertEquals(200, response.statusCode(), response.body());
    } else {
      assertError(response, status, "too_many_buckets");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "partner|/api/v1/export?site=clozette-id&from=2026-11-01T22:47:26.047Z&to=2026-11-01T22:47:26.048Z",
      "partner|/api/v1/export/pages?site=clozette-id&from=2026-11-01T22:47:26.047Z&to=2026-11-01T22:47:26.048Z",
      "partner|/api/v1/export?site=clozette-id&from=2026-11-02&to=2026-11-02T18:00:00Z",
      "partner|/api/v1/export?site=clozette-id&from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z",
      "staff|/api/v1/export?site=clozette-id&from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z",
      "staff|/api/v1/export/pages?site=clozette-id&from=2026-11-02T10:00:00Z&to=2026-11-02T11:00:00Z",
  })
  void exportsHoldWholeDaysOfTheSiteTimeZoneOnly(String role, String pathAndQuery) {
    HttpResponse<String> response = system.get(pathAndQuery, role.equals("partner") ? TestSystem.PARTNER_TOKEN : TestSystem.STAFF_TOKEN);
    assertError(response, 400, "partial_day");
    assertTrue(TestSystem.json(response.body()).get("message").asText().contains("Asia/Jakarta"), response.body());
  }

  @ParameterizedTest(name = "token {0} on {1} {2} is {3}")
  @CsvSource(delimiter = '|', value = {
      "none|GET|/api/v1/report?" + WEEK + "|401",
      "wrong|GET|/api/v1/report?" + WEEK + "|401",
      "partner|GET|/api/v1/report?" + WEEK + "|403",
      "none|POST|/api/v1/import|401",
      "wrong|POST|/api/v1/import|401",
      "partner|POST|/api/v1/import|403",
  })
  void refusedTokensAreCountedAndAnswered(String token, String method, String path, int status) {
    String bearer = switch (token) {
      case "wrong" -> "not-a-token-anyone-was-given";
      case "partner" -> TestSystem.PARTNER_TOKEN;
      default -> null;
    };
    byte[] body = "{\"id\":\"x1\",\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":1793577600000,\"vid\":\"v\",\"url\":\"https://a/\"}\n"
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> response = method.equals("GET") ? system.get(path, bearer) : system.post(path, bearer, "application/x-ndjson", body);
    assertError(response, status, status == 401 ? (bearer == null ? "missing_token" : "invalid_token") : "forbidden");
    assertFalse(response.body().contains(TestSystem.PARTNER_TOKEN));
    assertEquals(0, system.report(WEEK).get("pageviews").asLong(), "a refused import stored nothing");
    assertTrue(system.get("/metrics", null).body().contains("analytics_auth_refused_total"));
  }

  @Test
  void importRejectsUnknownSitesAndOversizedLinesButKeepsTheGoodOnes() {
    String good = "{\"id\":\"g1\",\"site\":\"clozette-sg\",\"type\":\"pageview\",\"ts\":1793577600000,\"vid\":\"v1\",\"url\":\"https://www.clozette.co/\"}";
    String unknown = "{\"id\":\"u1\",\"site\":\"elsewhere\",\"type\":\"pageview\",\"ts\":1793577600000,\"vid\":\"v1\",\"url\":\"https://x/\"}";
    String huge = "{\"id\":\"h1\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
    JsonNode answer = system.importNdjson((good + "\n" + unknown + "\n" + huge + "\n").getBytes(StandardCharsets.UTF_8));
    assertEquals(1, answer.get("accepted").asInt());
    assertEquals(2, answer.get("rejected").asInt());
    assertEquals(2, answer.get("errors").get(0).get("line").asInt());
    assertTrue(answer.get("errors").get(0).get("error").asText().contains("not configured"));
    assertEquals(3, answer.get("errors").get(1).get("line").asInt());
    JsonNode report = system.report("site=clozette-sg&from=2026-11-01T00:00:00Z&to=2026-11-10T00:00:00Z");
    assertEquals(1, report.get("pageviews").asLong());
    assertTrue(system.get("/metrics", null).body().contains("reason=\"unknown_site\""));
  }

  @Test
  void unknownApiPathIsAJson404() {
    assertError(system.get("/api/v1/nothing-here", TestSystem.STAFF_TOKEN), 404, "not_found");
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode body = TestSystem.json(response.body());
    assertEquals(code, body.get("error").asText(), response.body());
    assertFalse(body.get("message").asText().isBlank());
  }
}
