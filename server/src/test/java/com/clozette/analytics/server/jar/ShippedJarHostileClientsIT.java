package com.clozette.analytics.server.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.golden.GoldenData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of the hardening issue, against the shipped jar as started by the README: each is
 * refused with a JSON 4xx or costs only its sender, and the server goes on answering everyone else.
 */
class ShippedJarHostileClientsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STAFF = UUID.randomUUID().toString();
  private static final String PARTNER = UUID.randomUUID().toString();
  private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

  @TempDir static Path dataDir;
  private static ShippedJar jar;

  @BeforeAll
  static void start() throws Exception {
    jar = ShippedJar.start(dataDir, "hostile", Map.of("ANALYTICS_STAFF_TOKEN", STAFF, "ANALYTICS_PARTNER_TOKEN", PARTNER),
        ShippedJar.README_JVM_OPTIONS);
    HttpResponse<String> imported = send(HttpRequest.newBuilder(URI.create(jar.base() + "/api/v1/import"))
        .header("Authorization", "Bearer " + STAFF).POST(HttpRequest.BodyPublishers.ofByteArray(GoldenData.eventsNdjson())));
    assertEquals(200, imported.statusCode(), imported.body());
  }

  @AfterAll
  static void stop() throws Exception {
    if (jar != null) {
      jar.close();
    }
  }

  @Test
  void rangesOfTensOfThousandsOfYearsAreRefusedBeforeAnyWork() throws Exception {
    for (String call : List.of(
        "/api/v1/export?site=clozette-id&from=2000-01-01&to=%2B40000-01-01T00:00:00Z",
        "/api/v1/export/pages?site=clozette-id&from=2000-01-01&to=%2B40000-01-01T00:00:00Z",
        "/api/v1/timeseries?site=clozette-id&from=1000-01-01&to=2026-01-01&interval=hour",
        "/api/v1/report?site=clozette-id&from=-999999-01-01T00:00:00Z&to=2026-01-01")) {
      HttpResponse<String> answer = get(call, call.contains("export") ? PARTNER : STAFF);
      assertJsonRefusal(400, answer, call);
    }
    assertEquals(200, get("/health", null).statusCode());
  }

  @Test
  void partnersGetWholeDaysOnly() throws Exception {
    HttpResponse<String> sliver = get("/api/v1/export?site=clozette-id&from=2026-11-03T15:47:26.047Z&to=2026-11-03T15:47:26.048Z", PARTNER);
    assertJsonRefusal(400, sliver, "a millisecond of one day");
    assertEquals(200, get("/api/v1/export?site=clozette-id&from=2026-11-03&to=2026-11-04", PARTNER).statusCode());
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Jakarta"));
    assertJsonRefusal(400, get("/api/v1/export?site=clozette-id&from=" + today + "&to=" + today.plusDays(1), PARTNER),
        "today, still going on, polled by a partner");
    assertEquals(200, get("/api/v1/export?site=clozette-id&from=" + today + "&to=" + today.plusDays(1), STAFF).statusCode(),
        "staff may read today");
  }

  @Test
  void aSiteIdNeverReachesAHeaderUnchecked() throws Exception {
    HttpResponse<String> answer = get("/api/v1/export?site=x%22%3B%20filename%3Devil.sh&from=2026-11-03&to=2026-11-04", STAFF);
    assertTrue(answer.statusCode() >= 400 && answer.statusCode() < 500, answer.statusCode() + " " + answer.body());
    assertFalse(answer.headers().firstValue("Content-Disposition").isPresent(), "no file for an unknown site");
  }

  @Test
  void aClientLeavingMidExportStopsItQuietly() throws Exception {
    for (int i = 0; i < 3; i++) {
      try (Socket socket = new Socket("127.0.0.1", URI.create(jar.base()).getPort())) {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /api/v1/export/pages?site=clozette-id&from=2016-11-01&to=2026-11-01&format=json HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\nAuthorization: Bearer " + STAFF + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] start = in.readNBytes(64);
        assertTrue(new String(start, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 "), new String(start, StandardCharsets.US_ASCII));
      }
    }
    assertEquals(200, get("/health", null).statusCode());
    Thread.sleep(2000);
    String log = jar.log();
    assertFalse(log.contains("StackOverflowError"), "the server log shows a StackOverflowError");
  }

  @Test
  void newUserAgentsInBulkDoNotStopOrdinaryPixels() throws Exception {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 300; i++) {
      StringBuilder agent = new StringBuilder("Mozilla/5.0 (");
      while (agent.length() < 300) {
        agent.append((char) ('a' + random.nextInt(26)));
        if (random.nextInt(7) == 0) {
          agent.append(random.nextBoolean() ? "; " : "/");
        }
      }
      HttpResponse<String> pixel = send(HttpRequest.newBuilder(URI.create(jar.base()
          + "/p.gif?site=clozette-id&url=https%3A%2F%2Fwww.clozette.co.id%2Fr&vid=hostile" + i)).header("User-Agent", agent.toString()));
      assertEquals(200, pixel.statusCode());
    }
    HttpResponse<String> ordinary = send(HttpRequest.newBuilder(URI.create(jar.base()
        + "/p.gif?site=clozette-id&url=https%3A%2F%2Fwww.clozette.co.id%2F&vid=ordinary")).header("User-Agent", BROWSER));
    assertEquals(200, ordinary.statusCode());
  }

  @Test
  void inventedMethodsDoNotGrowTheMetrics() throws Exception {
    int before = get("/metrics", null).body().length();
    for (int i = 0; i < 300; i++) {
      send(HttpRequest.newBuilder(URI.create(jar.base() + "/x" + i)).method("M" + i, HttpRequest.BodyPublishers.noBody()));
    }
    int after = get("/metrics", null).body().length();
    assertTrue(after < before + 4096, "metrics grew from " + before + " to " + after + " bytes");
  }

  @Test
  void anOriginMayPostOnlyItsOwnSitesEvents() throws Exception {
    HttpResponse<String> crossSite = send(HttpRequest.newBuilder(URI.create(jar.base() + "/collect"))
        .header("Origin", "https://www.clozette.co").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"site\":\"clozette-id\",\"url\":\"https://www.clozette.co.id/\",\"vid\":\"v-cross\"}")));
    assertJsonRefusal(403, crossSite, "clozette-sg's origin posting clozette-id");
  }

  private static void assertJsonRefusal(int status, HttpResponse<String> answer, String what) throws Exception {
    assertEquals(status, answer.statusCode(), what + ": " + answer.body());
    JsonNode body = JSON.readTree(answer.body());
    assertFalse(body.path("error").asText().isEmpty(), what + ": " + answer.body());
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(jar.base() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return ShippedJar.HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
