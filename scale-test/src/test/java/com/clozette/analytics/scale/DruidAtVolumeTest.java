package com.clozette.analytics.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.bench.TrafficGenerator;
import com.clozette.analytics.druid.DruidReportStore;
import com.clozette.analytics.server.AnalyticsServer;
import com.clozette.analytics.server.config.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out shape at volume, as a new user meets it: the shipped jar with {@code store: druid},
 * {@code sink: kafka}, the repository's config file (its Druid specs found beside it), and two weeks
 * of synthetic traffic (~150k events, 20k visitors) imported through {@code /api/v1/import}.
 * Enough that Druid's indexer persists parts of its realtime segments to disk before handing them
 * off, which is where a sketch column built at ingestion used to vanish from Druid SQL
 * (apache/druid#14315) and every report answered 500 for an hour. The test asserts that the indexer
 * did persist (from its log), so it cannot silently stop covering that state.
 *
 * <p>The same file imported into an embedded (DuckDB) system in this JVM gives the answers Druid
 * is compared with: exact for everything but visitors, which come from an HLL sketch and must lie
 * within three of its stated standard errors. Compared while every segment is still realtime (the
 * supervisors' tasks run for an hour), and again after the tasks handed their segments off.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DruidAtVolumeTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path JAR = MODULE.getParent().resolve("server/target/clozette-analytics.jar");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String STAFF_TOKEN = UUID.randomUUID().toString();
  private static final String SITE = "clozette-id";
  private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
  private static final int DAYS = 14;
  private static final int VISITORS = 20_000;
  private static final long EVENTS = 150_000;
  private static final Duration INGESTION_TIMEOUT = Duration.ofMinutes(6);
  private static final Duration HANDOFF_TIMEOUT = Duration.ofMinutes(4);
  private static final Duration SETTLE = Duration.ofSeconds(30);
  /**
   * What Druid 33's indexer logs when it writes the in-memory rows of its realtime segments to disk
   * during ingestion (not the merge at handoff), e.g. {@code StreamAppenderator - Persisted
   * rows[60,549] and (estimated) bytes[21,586,944]}.
   */
  private static final Pattern PERSIST = Pattern.compile("StreamAppenderator - Persisted rows\\[");
  /** Fields built on the visitor count: approximate on Druid, compared within the sketch's error. */
  private static final Set<String> SKETCHED = Set.of("visitors", "avgTimePerVisitorSeconds", "returningVisitors", "sessionsPerVisitor");
  private static final String DATASOURCES = "('events', 'sessions', 'session-pageviews')";
  /** Fields only Druid's answers carry (they say the count is approximate). */
  private static final Set<String> DRUID_ONLY = Set.of("visitorsApprox", "visitorsRelativeStandardError");

  @TempDir static Path work;
  private static DruidCluster cluster;
  private static Process jar;
  private static int port;
  private static AnalyticsServer embedded;
  private static Path ndjson;
  private static long generated;
  /** Every report call made while Druid ingested: (status, path) of those that did not answer 200. */
  private static final List<String> failedWhileIngesting = new ArrayList<>();
  private static int roundsAfterPersist;

  @BeforeAll
  static void startTheClusterTheJarAndTheReference() throws Exception {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: build it first (mvn package, or verify from the repository root)");
    }
    ndjson = work.resolve("two-weeks.ndjson");
    generated = TrafficGenerator.writeNdjson(ndjson, SITE, START.toEpochMilli(), DAYS, VISITORS, EVENTS, 7);
    cluster = DruidCluster.start(MODULE, MODULE.resolve("target/volume-cluster"));
    port = KafkaBroker.freePort();
    Map<String, String> env = new HashMap<>();
    // The repository's config file, its specDir unset: the specs beside the file are found from any working directory.
    env.put("ANALYTICS_CONFIG", MODULE.getParent().resolve(ConfigLoader.DEFAULT_FILE).toString());
    env.put("ANALYTICS_PORT", Integer.toString(port));
    env.put("ANALYTICS_HOST", "127.0.0.1");
    env.put("ANALYTICS_DATA_DIR", work.resolve("druid-system").toString());
    env.put("ANALYTICS_STAFF_TOKEN", STAFF_TOKEN);
    env.put("ANALYTICS_STORE", "druid");
    env.put("ANALYTICS_SINK", "kafka");
    env.put("ANALYTICS_KAFKA_BOOTSTRAP", DruidCluster.KAFKA_BOOTSTRAP);
    env.put("ANALYTICS_DRUID_URL", DruidCluster.BROKER);
    env.put("ANALYTICS_DRUID_OVERLORD_URL", DruidCluster.OVERLORD);
    // the last sessions' pageview rows are written a second after the events stop, not a session gap
    env.put("ANALYTICS_PUBLISH_SESSION_PAGEVIEWS_AFTER_IDLE_SECONDS", "1");
    env.put("MALLOC_ARENA_MAX", "2");
    Files.createDirectories(work.resolve("druid-system"));
    jar = ChildProcesses.spawn(work, MODULE.resolve("target/volume-cluster/var/log/server.log"), List.of("-Xmx384m", "-jar", JAR.toString()), env);
    awaitHealth();

    Map<String, String> embeddedEnv = new HashMap<>();
    embeddedEnv.put("ANALYTICS_CONFIG", MODULE.getParent().resolve(ConfigLoader.DEFAULT_FILE).toString());
    embeddedEnv.put("ANALYTICS_PORT", "0");
    embeddedEnv.put("ANALYTICS_HOST", "127.0.0.1");
    embeddedEnv.put("ANALYTICS_DATA_DIR", work.resolve("embedded").toString());
    embeddedEnv.put("ANALYTICS_STAFF_TOKEN", STAFF_TOKEN);
    embedded = AnalyticsServer.start(ConfigLoader.load(embeddedEnv)).await();
    long t0 = System.nanoTime();
    JsonNode imported = importInto("http://127.0.0.1:" + embedded.port());
    System.out.printf("[volume] %,d events generated; embedded import %s in %.1f s%n", generated, imported, (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (jar != null) {
      jar.destroy();
      if (!jar.waitFor(60, TimeUnit.SECONDS)) {
        jar.destroyForcibly();
      }
    }
    if (embedded != null) {
      embedded.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * The import into Kafka, then every report polled every few seconds until {@code /health} says
   * Druid caught up: each must answer 200, including after the indexer persisted.
   */
  @Test
  @Order(1)
  void everyReportAnswersWhileDruidIngestsAndHealthSaysWhenItCaughtUp() throws Exception {
    long t0 = System.nanoTime();
    CompletableFuture<JsonNode> importing = CompletableFuture.supplyAsync(() -> importInto("http://127.0.0.1:" + port));
    long deadline = t0 + INGESTION_TIMEOUT.toNanos();
    long importedAt = 0;
    long caughtUpAt = 0;
    JsonNode health = null;
    int rounds = 0;
    while (System.nanoTime() < deadline) {
      boolean persisted = indexerPersisted();
      for (String path : reportPaths()) {
        HttpResponse<String> answer = get(port, path);
        if (answer.statusCode() != 200) {
          failedWhileIngesting.add(answer.statusCode() + " " + path + ": " + answer.body());
        }
      }
      for (String question : QueryAnswers.questions(SITE, "2026-10-01", "2026-10-14")) {
        HttpResponse<String> answer = ask(port, question);
        if (answer.statusCode() != 200) {
          failedWhileIngesting.add(answer.statusCode() + " " + question + ": " + answer.body());
        }
      }
      rounds++;
      if (persisted) {
        roundsAfterPersist++;
      }
      if (importedAt == 0 && importing.isDone()) {
        importedAt = System.nanoTime();
        JsonNode answer = importing.get();
        assertEquals(generated, answer.get("accepted").asLong(), answer.toString());
      }
      health = JSON.readTree(get(port, "/health").body());
      if (importedAt != 0 && health.path("ingestion").path("caughtUp").asBoolean()) {
        caughtUpAt = System.nanoTime();
        break;
      }
      Thread.sleep(2000);
    }
    System.out.printf("[volume] import of %,d events into Kafka acknowledged in %.1f s (%,.0f events/s); Druid caught up %.1f s after the"
        + " start (%,.0f events/s end to end); %d report rounds, %d after the indexer persisted; health %s%n", generated,
        (importedAt - t0) / 1e9, generated / ((importedAt - t0) / 1e9), (caughtUpAt - t0) / 1e9, generated / ((caughtUpAt - t0) / 1e9),
        rounds, roundsAfterPersist, health);
    assertTrue(caughtUpAt > 0, "Druid caught up within " + INGESTION_TIMEOUT + " by /health: " + health);
    JsonNode realtime = JSON.readTree(body(port, "/api/v1/realtime?site=" + SITE));
    assertEquals(0.0, realtime.path("behindSeconds").asDouble(-1), "realtime says Druid is not behind: " + realtime);
    assertTrue(failedWhileIngesting.isEmpty(), "every report answers while Druid ingests: " + failedWhileIngesting);
    assertTrue(indexerPersisted(), "the indexer persisted intermediate segments (else this test covers nothing): see "
        + cluster.root().resolve("var/log"));
    assertTrue(roundsAfterPersist > 0, "reports were asked after the indexer persisted");
  }

  /** Once /health says caught up, while every segment is still realtime, Druid answers what the embedded store does. */
  @Test
  @Order(2)
  void reportsMatchTheEmbeddedStoreWhileTheSegmentsAreStillRealtime() throws Exception {
    JsonNode segments = sql("SELECT is_realtime, COUNT(*) AS n FROM sys.segments WHERE datasource IN " + DATASOURCES + " GROUP BY 1");
    assertTrue(segments.toString().contains("\"is_realtime\":1"), "segments still realtime: " + segments);
    assertReportsMatchTheEmbeddedStore();
  }

  /** The supervisors' tasks hand their segments off early; the historical answers the same. */
  @Test
  @Order(3)
  void reportsMatchTheEmbeddedStoreAfterHandoff() throws Exception {
    for (String supervisor : List.of("events", "sessions", "session-pageviews")) {
      HttpResponse<String> handoff = HTTP.send(HttpRequest.newBuilder(URI.create(DruidCluster.OVERLORD
              + "/druid/indexer/v1/supervisor/" + supervisor + "/taskGroups/handoff")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"taskGroupIds\": [0]}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, handoff.statusCode() / 100 * 100, handoff.body());
    }
    long deadline = System.nanoTime() + HANDOFF_TIMEOUT.toNanos();
    JsonNode segments = null;
    while (System.nanoTime() < deadline) {
      segments = sql("SELECT datasource, is_realtime, is_published, is_available, COUNT(*) AS n FROM sys.segments"
          + " WHERE datasource IN " + DATASOURCES + " GROUP BY 1, 2, 3, 4");
      boolean handedOff = segments.size() > 0;
      for (JsonNode row : segments) {
        handedOff &= row.get("is_realtime").asInt() == 0 && row.get("is_published").asInt() == 1 && row.get("is_available").asInt() == 1;
      }
      if (handedOff) {
        break;
      }
      Thread.sleep(2000);
    }
    for (JsonNode row : segments) {
      assertEquals(0, row.get("is_realtime").asInt(), "every segment handed off within " + HANDOFF_TIMEOUT + ": " + segments);
    }
    assertReportsMatchTheEmbeddedStore();
  }

  private static List<String> reportPaths() {
    String weeks = "site=" + SITE + "&from=2026-10-01&to=2026-10-15";
    String ragged = "site=" + SITE + "&from=2026-10-03T05:17:00Z&to=2026-10-09T13:42:00Z";
    List<String> paths = new ArrayList<>(List.of("/api/v1/report?" + weeks, "/api/v1/report?" + ragged,
        "/api/v1/timeseries?" + weeks + "&interval=day", "/api/v1/visitors?" + weeks, "/api/v1/visitors?" + ragged,
        "/api/v1/report?site=" + SITE + "&from=2020-01-01&to=2020-01-02"));
    for (String by : List.of("page", "entry", "exit", "referrer", "platform", "device", "browser", "os")) {
      paths.add("/api/v1/breakdown?" + weeks + "&by=" + by + "&limit=20");
    }
    return paths;
  }

  /**
   * Asked again for up to {@link #SETTLE} while they differ: a task's rows are read before the broker
   * has seen a new realtime segment announced, so the first answer after "caught up" may lack them.
   */
  private static void assertReportsMatchTheEmbeddedStore() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    List<String> mismatches = new ArrayList<>();
    do {
      if (!mismatches.isEmpty()) {
        Thread.sleep(2000);
      }
      mismatches.clear();
      for (String path : reportPaths()) {
        JsonNode expected = JSON.readTree(body(embedded.port(), path));
        JsonNode actual = JSON.readTree(body(port, path));
        compare(path, expected, actual, expected.path("visitors").asDouble(), mismatches);
      }
      for (String question : QueryAnswers.questions(SITE, "2026-10-01", "2026-10-14")) {
        long asked = System.nanoTime();
        JsonNode actual = JSON.readTree(post(port, question));
        long answered = System.nanoTime();
        QueryAnswers.differences(question, JSON.readTree(post(embedded.port(), question)), actual)
            .forEach(difference -> mismatches.add(question + ": " + difference));
        System.out.printf("[volume] Druid answered in %d ms: %s%n", (answered - asked) / 1_000_000, question);
      }
    } while (!mismatches.isEmpty() && System.nanoTime() < deadline);
    assertTrue(mismatches.isEmpty(), mismatches.size() + " differences from the embedded store:\n" + String.join("\n", mismatches));
  }

  /**
   * Exact but for the fields built on the visitor count, which lie within three of the sketch's
   * standard errors of the visitors they derive from (returning visitors are visitors less the exact
   * new ones, so their error is the visitors' error), and at least one visitor.
   */
  private static void compare(String at, JsonNode expected, JsonNode actual, double visitors, List<String> mismatches) {
    if (expected.isObject() && actual.isObject()) {
      double rowVisitors = expected.has("visitors") ? expected.get("visitors").asDouble() : visitors;
      for (Iterator<String> names = expected.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        JsonNode want = expected.get(name);
        JsonNode got = actual.get(name);
        if (got == null) {
          mismatches.add(at + "." + name + " missing");
        } else if (SKETCHED.contains(name)) {
          double k = 3 * DruidReportStore.VISITORS_RSE / (1 - 3 * DruidReportStore.VISITORS_RSE);
          double scale = name.equals("returningVisitors") ? rowVisitors : Math.abs(want.asDouble());
          double allowed = Math.max(1, k * scale);
          if (Math.abs(got.asDouble() - want.asDouble()) > allowed) {
            mismatches.add(at + "." + name + ": " + got + " vs " + want + " ± " + allowed);
          }
        } else {
          compare(at + "." + name, want, got, rowVisitors, mismatches);
        }
      }
      for (Iterator<String> names = actual.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!expected.has(name) && !DRUID_ONLY.contains(name)) {
          mismatches.add(at + ": unexpected " + name);
        }
      }
    } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
      for (int i = 0; i < expected.size(); i++) {
        compare(at + "[" + i + "]", expected.get(i), actual.get(i), visitors, mismatches);
      }
    } else if (!expected.equals(actual)) {
      mismatches.add(at + ": " + actual + " vs " + expected);
    }
  }

  /** Whether Druid's indexer logged writing in-memory rows of a realtime segment to disk (its tasks log there). */
  private static boolean indexerPersisted() throws IOException {
    try (Stream<String> lines = Files.lines(cluster.root().resolve("var/log/indexer.log"))) {
      return lines.anyMatch(line -> PERSIST.matcher(line).find());
    }
  }

  private static JsonNode importInto(String base) {
    try {
      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/import")).timeout(Duration.ofMinutes(5))
          .header("Authorization", "Bearer " + STAFF_TOKEN).header("Content-Type", "application/x-ndjson")
          .POST(HttpRequest.BodyPublishers.ofFile(ndjson)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void awaitHealth() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      try {
        if (get(port, "/health").statusCode() == 200) {
          return;
        }
      } catch (UncheckedIOException notYet) {
        // not listening yet
      }
      if (!jar.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the jar did not start; see target/volume-cluster/var/log/server.log");
      }
      Thread.sleep(250);
    }
  }

  private static JsonNode sql(String query) throws IOException {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(DruidCluster.BROKER + "/druid/v2/sql"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("query", query).toString())).build());
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  private static String body(int target, String path) {
    HttpResponse<String> response = get(target, path);
    assertEquals(200, response.statusCode(), path + ": " + response.body());
    return response.body();
  }

  private static String post(int target, String question) {
    HttpResponse<String> response = ask(target, question);
    assertEquals(200, response.statusCode(), question + ": " + response.body());
    return response.body();
  }

  private static HttpResponse<String> ask(int target, String question) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target + "/api/v2/query"))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + STAFF_TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(question)).build());
  }

  private static HttpResponse<String> get(int target, String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target + path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + STAFF_TOKEN).GET().build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
