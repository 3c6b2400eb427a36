package com.clozette.analytics.server.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.server.TestSystem;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pixels with random 300-character user agents, each new, as a flood sends them (Yauaa takes
 * milliseconds to parse one), among ordinary pixels, through the real server over HTTP. The collector
 * answers them all without classifying any: the loader classifies each distinct user agent once,
 * flags the flood as bots and counts the ordinary pixels.
 */
class UserAgentFloodTest {
  private static final String CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
  private static final String PAGE = "https://www.clozette.co.id/looks/1";
  private static final Pattern PARSED = Pattern.compile("(?m)^analytics_useragents_parsed_total(?:\\{[^}]*\\})? (\\S+)$");
  private static final int FLOOD = 60;

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

  @Test
  void aFloodOfNewUserAgentsIsClassifiedOnceEachByTheLoaderNotByTheCollector() throws InterruptedException {
    Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    double parsedBefore = parsed();
    Random random = new Random(10);
    List<String> flood = new ArrayList<>();
    for (int i = 0; i < FLOOD; i++) {
      flood.add(randomUserAgent(random));
    }
    // Twice each: the second copy of a user agent finds it classified.
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < FLOOD; i++) {
        assertEquals(200, pixel(flood.get(i), "flood-" + i).statusCode());
        if (i % 20 == 0) {
          assertEquals(200, pixel(CHROME, "person-" + round + "-" + i).statusCode());
        }
      }
    }
    // Nothing is classified while beacons are answered: the collector has no classifier at all.
    system.server().awaitLoaded(Duration.ofSeconds(60));

    assertEquals(FLOOD + 1, parsed() - parsedBefore, "each distinct user agent parsed once, by the loader");
    String metrics = system.get("/metrics", null).body();
    // Yauaa already calls such text a "Hacker", a bot, so the list need not.
    assertTrue(metrics.contains("analytics_events_bots_total{bot_source=\"yauaa\",source=\"loader\"} " + (2.0 * FLOOD)), metrics);
    JsonNode report = system.report("site=clozette-id&from=" + from + "&to=" + Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS));
    assertEquals(6, report.get("pageviews").asLong(), report.toString());
  }

  /** 300 letters and digits: no browser sends one, and Yauaa has to read it all. */
  private static String randomUserAgent(Random random) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    StringBuilder userAgent = new StringBuilder(300);
    for (int i = 0; i < 300; i++) {
      userAgent.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return userAgent.toString();
  }

  private static java.net.http.HttpResponse<String> pixel(String userAgent, String vid) {
    return TestSystem.send(HttpRequest.newBuilder(system.uri("/p.gif?site=clozette-id&vid=" + vid + "&url="
        + URLEncoder.encode(PAGE, StandardCharsets.UTF_8))).header("User-Agent", userAgent).GET().build());
  }

  private static double parsed() {
    Matcher parsed = PARSED.matcher(system.get("/metrics", null).body());
    assertTrue(parsed.find(), "analytics_useragents_parsed_total on /metrics");
    return Double.parseDouble(parsed.group(1));
  }
}
