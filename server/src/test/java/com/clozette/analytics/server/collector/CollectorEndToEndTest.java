package com.clozette.analytics.server.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.server.TestSystem;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live path end to end in the whole system: beacons into /collect and /p.gif, through the event
 * log and the loader, out of /api/v1/report. The events are placed relative to now (the collector
 * stamps receive time, corrected by the device's sent - created, at most seven days back), and the
 * expected report is worked out below from the RULES.md rules.
 *
 * <pre>
 * visitor a (web):  pageview /a at T, pageview /b at T+60s, ping at T+120s       one session of 120 s
 * visitor b (web):  pageview /a at now-2h; pixel pageview /c at now              two sessions of 0 s (gap > 30 min)
 * visitor c (app):  screen /looks/1 at now-90min, custom event 30 s later        one session of 30 s
 * a crawler:        pageview /a                                                  stored, not counted
 * </pre>
 * So: 8 events appended, 5 pageviews, 3 visitors, 4 sessions, 150 s in all, bounces b, b, c.
 */
class CollectorEndToEndTest {
  private static final String SITE_PAGE = "https://www.clozette.co.id";
  private static final String CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
  private static final String APP = "ClozetteApp/3.2.0 (Android 14; Pixel 8)";
  private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  /** The device clock of these clients is off by about a year: only sent - created matters. */
  private static final long SENT = Instant.parse("2025-10-01T00:00:00Z").toEpochMilli();
  private static final long MINUTE = 60_000;

  @TempDir static Path dataDir;
  private static TestSystem system;
  private static Instant from;
  private static Instant to;
  private static String metricsAfterLoading;

  @BeforeAll
  static void sendBeacons() throws InterruptedException {
    system = TestSystem.start(dataDir);
    Instant now = Instant.now();
    from = now.minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    to = now.plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);

    long threeHours = 180 * MINUTE;
    assertEquals(204, collect(CHROME, "https://www.clozette.co.id", """
        {"sent": %d, "events": [
          {"site": "clozette-id", "vid": "visitor-a", "url": "%s/a", "created": %d},
          {"site": "clozette-id", "vid": "visitor-a", "url": "%s/b?utm_source=x", "created": %d, "ref": "%s/a"},
          {"site": "clozette-id", "vid": "visitor-a", "type": "ping", "created": %d},
          {"site": "clozette-id", "vid": "visitor-b", "url": "%s/a", "created": %d}
        ]}""".formatted(SENT, SITE_PAGE, SENT - threeHours, SITE_PAGE, SENT - threeHours + MINUTE, SITE_PAGE,
        SENT - threeHours + 2 * MINUTE, SITE_PAGE, SENT - 120 * MINUTE)).statusCode());
    assertEquals(204, collect(APP, null, """
        {"sent": %d, "events": [
          {"site": "clozette-id", "platform": "app", "vid": "install-c", "url": "app://clozette/looks/1", "created": %d},
          {"site": "clozette-id", "platform": "app", "vid": "install-c", "type": "event", "name": "add_to_wishlist", "created": %d}
        ]}""".formatted(SENT, SENT - 90 * MINUTE, SENT - 90 * MINUTE + 30_000)).statusCode());
    assertEquals(204, collect(GOOGLEBOT, null, """
        {"site": "clozette-id", "vid": "crawler", "url": "%s/a"}""".formatted(SITE_PAGE)).statusCode());
    HttpResponse<String> pixel = TestSystem.send(HttpRequest.newBuilder(system.uri("/p.gif?site=clozette-id&vid=visitor-b&url="
        + URLEncoder.encode(SITE_PAGE + "/c", StandardCharsets.UTF_8))).header("User-Agent", CHROME).GET().build());
    assertEquals(200, pixel.statusCode());

    system.server().awaitLoaded(Duration.ofSeconds(30));
    metricsAfterLoading = system.get("/metrics", null).body();
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static HttpResponse<String> collect(String userAgent, String origin, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(system.uri("/collect"))
        .header("Content-Type", origin == null ? "application/json" : "text/plain;charset=UTF-8")
        .header("User-Agent", userAgent)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return TestSystem.send(request.build());
  }

  @Test
  void collectedEventsMakeTheReportTheRulesPredict() {
    JsonNode report = system.report("site=clozette-id&from=" + from + "&to=" + to);

    assertEquals(5, report.get("pageviews").asLong());
    assertEquals(3, report.get("visitors").asLong());
    assertEquals(4, report.get("sessions").asLong());
    assertEquals(150.0 / 4, report.get("avgSessionSeconds").asDouble(), 1e-6);
    assertEquals(150.0 / 3, report.get("avgTimePerVisitorSeconds").asDouble(), 1e-6);
    assertEquals(0.75, report.get("bounceRate").asDouble(), 1e-6);
    assertEquals(TestSystem.json("""
        [{"path": "/a", "sessions": 2}, {"path": "/c", "sessions": 1}, {"path": "/looks/1", "sessions": 1}]"""),
        report.get("entryPages"));
    assertEquals(TestSystem.json("""
        [{"path": "/a", "sessions": 1, "exitRate": 0.5}, {"path": "/b", "sessions": 1, "exitRate": 1.0},
         {"path": "/c", "sessions": 1, "exitRate": 1.0}, {"path": "/looks/1", "sessions": 1, "exitRate": 1.0}]"""),
        report.get("exitPages"));
  }

  @Test
  void botTrafficIsShownApartByNameAndTheRuleThatFlaggedIt() {
    HttpResponse<String> bots = system.get("/api/v1/bots?site=clozette-id&from=" + from + "&to=" + to, TestSystem.STAFF_TOKEN);

    assertEquals(200, bots.statusCode(), bots.body());
    assertEquals(TestSystem.json("""
        [{"name": "Googlebot", "source": "yauaa", "pageviews": 1}]"""), TestSystem.json(bots.body()).get("bots"));
  }

  @Test
  void metricsCountWhatTheCollectorAppended() {
    assertTrue(metricsAfterLoading.contains("analytics_events_appended_total{source=\"collector\"} 8.0"), metricsAfterLoading);
    // Bots are classified and counted by the loader, by the rule that flagged them.
    assertTrue(metricsAfterLoading.contains("analytics_events_bots_total{bot_source=\"yauaa\",source=\"loader\"} 1.0"), metricsAfterLoading);
  }

  @Test
  void theServerAppliesTheCollectorsLimitsAndCountsWhatTheyRefuse() {
    HttpResponse<String> tooLong = system.get("/p.gif?site=clozette-id&pad=" + "a".repeat(3000), null);

    assertEquals(414, tooLong.statusCode());
    assertEquals("url_too_long", TestSystem.json(tooLong.body()).get("error").asText());
    assertTrue(system.get("/metrics", null).body()
        .contains("analytics_events_rejected_total{reason=\"url_too_long\",source=\"collector\"} 1.0"));
  }

  @Test
  void theConfiguredSiteOriginsMayPostAndOthersMayNot() {
    String event = "{\"site\": \"clozette-sg\", \"url\": \"https://www.clozette.co/\", \"vid\": \"v\"}";

    assertEquals(204, collect(CHROME, "https://www.clozette.co", event).statusCode());
    assertEquals(403, collect(CHROME, "https://example.com", event).statusCode());
  }

  @Test
  void aSitesOriginMayNotPostAnotherSitesEvents() {
    String idEvent = "{\"site\": \"clozette-id\", \"url\": \"https://www.clozette.co.id/\", \"vid\": \"v\"}";

    HttpResponse<String> response = collect(CHROME, "https://www.clozette.co", idEvent);

    assertEquals(403, response.statusCode());
    assertEquals("origin_not_allowed", TestSystem.json(response.body()).get("error").asText());
    assertEquals(204, collect(CHROME, "https://www.clozette.co.id", idEvent).statusCode());
  }

  @Test
  void trustedProxiesComeFromTheEnvironment(@TempDir Path otherDir) throws InterruptedException {
    try (TestSystem proxied = TestSystem.start(otherDir, Map.of("ANALYTICS_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"))) {
      HttpResponse<String> response = TestSystem.send(HttpRequest.newBuilder(proxied.uri("/p.gif?site=clozette-id&url=https%3A%2F%2Fwww.clozette.co.id%2F"))
          .header("X-Forwarded-For", "203.0.113.9, 10.0.0.5").header("X-Forwarded-Proto", "https").GET().build());

      assertEquals(200, response.statusCode());
      String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.contains("; Secure"), cookie);
    }
  }
}
