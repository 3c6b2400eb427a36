package com.clozette.analytics.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.server.TestSystem;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review: a pageview in range whose session started before the range, later than every end of the
 * sessions that start in the range. Range 10:00-11:00: visitor a views at 09:50, 10:15 and 10:40 (one
 * session from 09:50), visitor b views once at 10:05. Three pageviews in range, one session started in it.
 * A filter that every pageview passes keeps the query off the rollups (QueryScan answers it).
 */
class QueryReachTest {
  private static final long T = Instant.parse("2026-11-03T10:00:00Z").toEpochMilli();
  private static final long MIN = 60_000L;
  @TempDir static Path dataDir;
  private static TestSystem system;

  private static String view(String id, String vid, long ts, String path) {
    return "{\"id\":\"" + id + "\",\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":" + ts + ",\"vid\":\"" + vid
        + "\",\"url\":\"https://www.clozette.co.id" + path + "\"}\n";
  }

  @BeforeAll
  static void start() {
    system = TestSystem.start(dataDir);
    system.importNdjson((view("a1", "a", T - 10 * MIN, "/x") + view("a2", "a", T + 15 * MIN, "/y") + view("a3", "a", T + 40 * MIN, "/w")
        + view("b1", "b", T + 5 * MIN, "/z")).getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    system.close();
    system = null;
  }

  private static String post(String metrics) {
    return post(metrics, ",\"filters\":[[\"contains\",\"page\",[\"/\"]]]");
  }

  private static String post(String metrics, String rest) {
    String body = "{\"site\":\"clozette-id\",\"dateRange\":[\"" + Instant.ofEpochMilli(T) + "\",\"" + Instant.ofEpochMilli(T + 60 * MIN)
        + "\"],\"metrics\":" + metrics + rest + "}";
    HttpResponse<String> response = system.post("/api/v2/query", TestSystem.STAFF_TOKEN, "application/json", body.getBytes(StandardCharsets.UTF_8));
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  @Test
  void pageviewsAloneCountBoth() {
    String body = post("[\"pageviews\"]");
    System.out.println("pageviews alone: " + body);
    assertEquals(3, TestSystem.json(body).at("/results/0/metrics/0").asInt(), body);
  }

  @Test
  void pageviewsWithSessionsCountBoth() {
    String body = post("[\"pageviews\",\"sessions\"]");
    System.out.println("with sessions: " + body);
    assertEquals(3, TestSystem.json(body).at("/results/0/metrics/0").asInt(), body);
    assertEquals(1, TestSystem.json(body).at("/results/0/metrics/1").asInt(), body);
  }

  /** No session figure asked: a session attribute as dimension is enough to read the sessions and lose the pageviews. */
  @Test
  void pageviewsByReferrerCountAll() {
    String body = post("[\"pageviews\"]", ",\"dimensions\":[\"referrer\"]");
    System.out.println("by referrer: " + body);
    assertEquals(3, TestSystem.json(body).at("/results/0/metrics/0").asInt(), body);
  }
}
