package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what, on every API endpoint: no token and a bad token are 401, the partner (granted
 * clozette-sg only) is 403 on staff endpoints and on other sites, staff may do everything.
 */
class AuthMatrixTest {
  private static final String ID_WEEK = "site=clozette-id&from=2026-11-02&to=2026-11-09";
  private static final String SG_WEEK = "site=clozette-sg&from=2026-11-02&to=2026-11-09";
  private static final String BAD_TOKEN = "guessed-token-that-nobody-was-given";
  @TempDir static Path dataDir;
  private static TestSystem system;

  enum Caller { NONE, BAD, PARTNER, STAFF }

  record Endpoint(String method, String pathAndQuery, boolean partnerAllowed) {
    @Override
    public String toString() {
      return method + " " + pathAndQuery;
    }
  }

  private static final List<Endpoint> ENDPOINTS = List.of(
      new Endpoint("GET", "/api/v1/sites", true),
      new Endpoint("GET", "/api/v1/report?" + ID_WEEK, false),
      new Endpoint("GET", "/api/v1/report?" + SG_WEEK, false),
      new Endpoint("GET", "/api/v1/timeseries?" + ID_WEEK, false),
      new Endpoint("GET", "/api/v1/breakdown?" + ID_WEEK + "&by=page", false),
      new Endpoint("GET", "/api/v1/visitors?" + ID_WEEK, false),
      new Endpoint("GET", "/api/v1/realtime?site=clozette-id", false),
      new Endpoint("GET", "/api/v1/bots?" + ID_WEEK, false),
      new Endpoint("POST", "/api/v1/import", false),
      // Staff only, even for a site the partner is granted.
      new Endpoint("POST", "/api/v2/query", false),
      new Endpoint("GET", "/api/v1/export?" + ID_WEEK, false),
      new Endpoint("GET", "/api/v1/export/pages?" + ID_WEEK, false),
      new Endpoint("GET", "/api/v1/export?" + SG_WEEK, true),
      new Endpoint("GET", "/api/v1/export/pages?" + SG_WEEK, true));

  @BeforeAll
  static void start() {
    system = TestSystem.start(dataDir, Map.of("ANALYTICS_PARTNER_SITES", "clozette-sg"));
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  static Stream<Arguments> matrix() {
    List<Arguments> cases = new ArrayList<>();
    for (Endpoint endpoint : ENDPOINTS) {
      for (Caller caller : Caller.values()) {
        int expected = switch (caller) {
          case NONE, BAD -> 401;
          case PARTNER -> endpoint.partnerAllowed() ? 200 : 403;
          case STAFF -> 200;
        };
        cases.add(Arguments.of(endpoint, caller, expected));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{1} on {0} is {2}")
  @MethodSource("matrix")
  void everyEndpointAnswersEveryCallerAsItsRoleAllows(Endpoint endpoint, Caller caller, int expected) {
    String token = switch (caller) {
      case NONE -> null;
      case BAD -> BAD_TOKEN;
      case PARTNER -> TestSystem.PARTNER_TOKEN;
      case STAFF -> TestSystem.STAFF_TOKEN;
    };
    HttpResponse<String> response = endpoint.method().equals("GET")
        ? system.get(endpoint.pathAndQuery(), token)
        : endpoint.pathAndQuery().equals("/api/v2/query")
            ? system.post(endpoint.pathAndQuery(), token, "application/json",
                "{\"site\": \"clozette-sg\", \"dateRange\": [\"2026-11-02\", \"2026-11-08\"], \"metrics\": [\"pageviews\"]}".getBytes(StandardCharsets.UTF_8))
            : system.post(endpoint.pathAndQuery(), token, "application/x-ndjson", "\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, response.statusCode(), response.body());
    if (expected >= 400) {
      assertEquals(expected == 401 ? (token == null ? "missing_token" : "invalid_token") : "forbidden",
          TestSystem.json(response.body()).get("error").asText());
    }
    assertFalse(response.body().contains(TestSystem.PARTNER_TOKEN) || response.body().contains(BAD_TOKEN));
  }

  @Test
  void partnerSeesOnlyItsGrantedSites() {
    var sites = TestSystem.json(system.get("/api/v1/sites", TestSystem.PARTNER_TOKEN).body()).get("sites");
    assertEquals(1, sites.size());
    assertEquals("clozette-sg", sites.get(0).get("id").asText());
  }

  @Test
  void refusalsAreCountedByReason() {
    system.get("/api/v1/report?" + ID_WEEK, BAD_TOKEN);
    String metrics = system.get("/metrics", null).body();
    for (String reason : new String[] {"missing_token", "invalid_token", "forbidden"}) {
      assertFalse(metrics.lines().noneMatch(line -> line.startsWith("analytics_auth_refused_total") && line.contains(reason)), reason);
    }
  }
}
