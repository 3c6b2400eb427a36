package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics over real HTTP: what clients send cannot grow it, and it can be closed behind a token. */
class MetricsEndpointTest {
  private static final String METRICS_TOKEN = "scrape-token-for-tests-0123456789";

  @TempDir Path dataDir;

  @Test
  void inventedMethodsAndRandomPathsAddNoSeries() {
    try (TestSystem system = TestSystem.start(dataDir)) {
      Random random = new Random(42);
      // One request of each kind first, so every series the flood can reach already exists.
      sendInvented(system, random, 1);
      scrape(system);
      Set<String> before = series(system);
      int sizeBefore = scrape(system).length();

      sendInvented(system, random, 400);

      Set<String> after = series(system);
      Set<String> added = new TreeSet<>(after);
      added.removeAll(before);
      assertEquals(Set.of(), added, "series added by invented methods and paths");
      int sizeAfter = scrape(system).length();
      assertTrue(sizeAfter < sizeBefore + 2048, "/metrics grew from " + sizeBefore + " to " + sizeAfter + " bytes");
      assertTrue(after.stream().anyMatch(line -> line.startsWith("analytics_http_requests_seconds_count{")
          && line.contains("method=\"other\"") && line.contains("route=\"unmatched\"")), String.join("\n", after));
    }
  }

  @Test
  void aConfiguredTokenClosesMetricsButNotHealth() {
    try (TestSystem system = TestSystem.start(dataDir, Map.of("ANALYTICS_METRICS_TOKEN", METRICS_TOKEN))) {
      HttpResponse<String> none = system.get("/metrics", null);
      assertEquals(401, none.statusCode());
      assertEquals("missing_token", TestSystem.json(none.body()).get("error").asText());
      assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(null));

      HttpResponse<String> wrong = system.get("/metrics", TestSystem.STAFF_TOKEN);
      assertEquals(401, wrong.statusCode());
      assertEquals("invalid_token", TestSystem.json(wrong.body()).get("error").asText());

      HttpResponse<String> right = system.get("/metrics", METRICS_TOKEN);
      assertEquals(200, right.statusCode());
      assertTrue(right.body().contains("analytics_auth_refused_total{reason=\"missing_token\"} 1.0"), right.body());
      assertTrue(right.body().contains("analytics_auth_refused_total{reason=\"invalid_token\"} 1.0"), right.body());

      assertEquals(200, system.get("/health", null).statusCode());
    }
  }

  @Test
  void metricsAreOpenByDefault() {
    try (TestSystem system = TestSystem.start(dataDir)) {
      assertEquals(200, system.get("/metrics", null).statusCode());
    }
  }

  /** Requests with a made-up method on a random path, and GETs of random paths in and out of the API. */
  private static void sendInvented(TestSystem system, Random random, int rounds) {
    for (int i = 0; i < rounds; i++) {
      String method = "X" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36).toUpperCase(java.util.Locale.ROOT);
      String path = "/" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
      TestSystem.send(HttpRequest.newBuilder(system.uri(path)).timeout(Duration.ofSeconds(10))
          .method(method, HttpRequest.BodyPublishers.noBody()).build());
      TestSystem.send(HttpRequest.newBuilder(system.uri("/collect")).timeout(Duration.ofSeconds(10))
          .method(method, HttpRequest.BodyPublishers.noBody()).build());
      system.get(path, null);
      system.get("/api/v1" + path, null);
      system.get("/dashboard" + path, null);
    }
  }

  private static String scrape(TestSystem system) {
    HttpResponse<String> response = system.get("/metrics", null);
    assertEquals(200, response.statusCode());
    return response.body();
  }

  /** Every series of the scrape, by name and tags, without its value; JVM gauges left out (their set does not depend on requests). */
  private static Set<String> series(TestSystem system) {
    Set<String> series = new TreeSet<>();
    for (String line : scrape(system).split("\n")) {
      if (!line.startsWith("#") && !line.isBlank() && !line.startsWith("jvm_")) {
        series.add(line.substring(0, line.lastIndexOf(' ')));
      }
    }
    return series;
  }
}
