package com.clozette.analytics.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.event.EventCodec;
import com.clozette.analytics.server.AnalyticsServer;
import com.clozette.analytics.server.config.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar ({@code server/target/clozette-analytics.jar}, as an operator runs it) in the Kafka
 * shape with Kafka only, and what it does when Kafka goes away: beacons are answered 503 with a JSON reason (never
 * 204 for what Kafka does not hold), the first after the delivery timeout and the next at once, the
 * system keeps running, and once Kafka is back beacons are acknowledged again. Druid is not running at all: the collector needs only Kafka.
 */
class KafkaOutageTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

  private static final Path JAR = MODULE.getParent().resolve("server/target/clozette-analytics.jar");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private static final String STAFF_TOKEN = UUID.randomUUID().toString();

  @TempDir static Path dataDir;
  private static KafkaBroker broker;
  private static Process server;
  private static int port;
  private static Map<String, String> environment;

  @BeforeAll
  static void startKafkaAndTheSystemWithoutDruid() throws Exception {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: build it first (mvn package, or verify from the repository root)");
    }
    broker = KafkaBroker.start(MODULE, MODULE.resolve("target/outage-test"));
    String nobody = "http://127.0.0.1:" + KafkaBroker.freePort();
    port = KafkaBroker.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("ANALYTICS_CONFIG", MODULE.getParent().resolve(ConfigLoader.DEFAULT_FILE).toString());
    env.put("ANALYTICS_PORT", Integer.toString(port));
    env.put("ANALYTICS_HOST", "127.0.0.1");
    env.put("ANALYTICS_DATA_DIR", dataDir.toString());
    env.put("ANALYTICS_STORE", "druid");
    env.put("ANALYTICS_SINK", "kafka");
    env.put("ANALYTICS_KAFKA_BOOTSTRAP", broker.bootstrap());
    env.put("ANALYTICS_DRUID_URL", nobody);
    env.put("ANALYTICS_DRUID_OVERLORD_URL", nobody);
    env.put("ANALYTICS_DRUID_SPEC_DIR", MODULE.getParent().resolve("config/druid").toString());
    env.put("ANALYTICS_STAFF_TOKEN", STAFF_TOKEN);
    environment = Map.copyOf(env);
    server = ChildProcesses.spawn(dataDir, MODULE.resolve("target/outage-test/server.log"), List.of("-Xmx512m", "-jar", JAR.toString()), env);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!answersHealth()) {
      if (!server.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the jar did not start in the Kafka shape; see target/outage-test/server.log");
      }
      Thread.sleep(250);
    }
  }

  /** SIGTERM, as an operator stops it: the jar must exit (closing the stream processor and the producer) rather than hang. */
  @AfterAll
  static void stop() throws InterruptedException {
    try {
      if (server != null) {
        server.destroy();
        assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the jar exits on SIGTERM");
      }
    } finally {
      if (server != null) {
        server.destroyForcibly();
      }
      if (broker != null) {
        broker.close();
      }
    }
  }

  private static boolean answersHealth() {
    try {
      return HTTP.send(HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Druid is not running at all here: a report says so, 503 with the cause, rather than a bare 500. */
  @Test
  void aReportDruidCannotAnswerIs503StoreUnavailableWithItsCause() throws Exception {
    HttpResponse<String> report = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/report?site=clozette-id&from=2026-11-02&to=2026-11-09"))
        .header("Authorization", "Bearer " + STAFF_TOKEN).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(503, report.statusCode(), report.body());
    JsonNode body = JSON.readTree(report.body());
    assertEquals("store_unavailable", body.path("error").asText(), report.body());
    assertTrue(body.path("message").asText().contains("Druid did not answer"), report.body());
    String metrics = HTTP.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.lines().anyMatch(line -> line.startsWith("analytics_api_errors_total") && line.contains("code=\"store_unavailable\"")),
        "counted in /metrics");
  }

  /** With Druid away, /health still answers 200 but never claims Druid caught up: its supervisors are unreachable. */
  @Test
  void healthDoesNotClaimDruidCaughtUpWhileDruidIsAway() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode ingestion = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());
      ingestion = JSON.readTree(health.body()).path("ingestion");
      if (ingestion.path("datasources").path(0).path("supervisor").asText().equals("UNREACHABLE")) {
        break;
      }
      Thread.sleep(500);
    }
    assertEquals("UNREACHABLE", ingestion.path("datasources").path(0).path("supervisor").asText(), ingestion.toString());
    assertFalse(ingestion.path("caughtUp").asBoolean(), ingestion.toString());
    assertEquals(-1, ingestion.path("datasources").path(0).path("pendingRecords").asLong(), ingestion.toString());
  }

  /** With Druid unreachable, a question of the query API is a 503 naming the store's trouble, never a 500. */
  @Test
  void aQueryWhileDruidIsUnreachableIs503StoreUnavailable() throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(uri("/api/v2/query"))
        .header("Authorization", "Bearer " + STAFF_TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"site\": \"clozette-id\", \"dateRange\": [\"2026-11-02\", \"2026-11-08\"],"
            + " \"metrics\": [\"pageviews\"], \"filters\": [[\"contains\", \"page\", [\"/looks/\"]]]}"))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(503, answer.statusCode(), answer.body());
    assertEquals("store_unavailable", JSON.readTree(answer.body()).path("error").asText(), answer.body());
  }

  @Test
  void beaconsAreRefusedWith503WhileKafkaIsDownAndAcknowledgedAgainOnceItIsBack() throws Exception {
    String before = UUID.randomUUID().toString();
    assertEquals(204, beacon(before).statusCode());

    broker.close();
    long sent = System.nanoTime();
    HttpResponse<String> during = beacon(UUID.randomUUID().toString());
    long answeredMillis = (System.nanoTime() - sent) / 1_000_000;
    assertEquals(503, during.statusCode(), during.body());
    JsonNode reason = JSON.readTree(during.body());
    assertEquals("unavailable", reason.path("error").asText(), during.body());
    long sentAgain = System.nanoTime();
    HttpResponse<String> next = beacon(UUID.randomUUID().toString());
    long nextMillis = (System.nanoTime() - sentAgain) / 1_000_000;
    assertEquals(503, next.statusCode(), "refused while Kafka is known to be away: " + next.body());
    String metrics = HTTP.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.lines().anyMatch(line -> line.startsWith("analytics_kafka_sink_refused_total") && !line.endsWith(" 0.0")),
        "the second beacon was refused without waiting for Kafka: " + metrics.lines().filter(l -> l.contains("refused")).toList());
    for (String kafkaMetric : List.of("kafka_producer_record_send_total", "kafka_consumer_fetch_manager_records_lag_max")) {
      assertTrue(metrics.contains(kafkaMetric), "Kafka's own metrics are on /metrics: " + kafkaMetric);
    }
    assertEquals(200, HTTP.send(HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    System.out.printf("[scale-out timings] Kafka down: the first beacon answered 503 after %d ms (waiting out max.block.ms or delivery.timeout.ms), the next after %d ms%n",
        answeredMillis, nextMillis);

    broker.startAgain();
    String after = UUID.randomUUID().toString();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int status = 0;
    while (status != 204 && System.nanoTime() < deadline) {
      status = beacon(after).statusCode();
      if (status != 204) {
        Thread.sleep(500);
      }
    }
    assertEquals(204, status, "a beacon acknowledged within 60 s of Kafka's return");
    Set<String> stored = eventIds();
    assertTrue(stored.containsAll(List.of(before, after)), "both acknowledged beacons are in Kafka: " + stored);
  }

  /** {@code kafka.streamProcessor: false}: a collector-only instance acknowledges beacons and runs no stream processing. */
  @Test
  void aCollectorOnlyInstanceTakesBeaconsWithoutProcessingTheStream(@TempDir Path collectorData) throws Exception {
    Map<String, String> env = new HashMap<>(environment);
    env.put("ANALYTICS_PORT", "0");
    env.put("ANALYTICS_DATA_DIR", collectorData.toString());
    env.put("ANALYTICS_STREAM_PROCESSOR", "false");
    AnalyticsServer collector = AnalyticsServer.start(ConfigLoader.load(env)).await();
    try {
      String body = JSON.createObjectNode().put("id", UUID.randomUUID().toString()).put("site", "clozette-id").put("type", "pageview")
          .put("url", "https://www.clozette.co.id/looks/collector-only").put("vid", "collector-only").toString();
      URI base = URI.create("http://127.0.0.1:" + collector.port());
      int status = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      // 503 while a restarted broker is still electing leaders after the other test; anything else is an answer
      while ((status == 0 || status == 503) && System.nanoTime() < deadline) {
        if (status == 503) {
          Thread.sleep(500);
        }
        status = HTTP.send(HttpRequest.newBuilder(base.resolve("/collect")).header("User-Agent", BROWSER)
            .header("Content-Type", "text/plain;charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode();
      }
      assertEquals(204, status);
      String metrics = HTTP.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("kafka_producer_record_send_total"), "the sink is there");
      assertFalse(metrics.contains("kafka_stream") || metrics.contains("analytics_stream_events"), "no stream processing in this instance");
    } finally {
      collector.close();
    }
  }

  private static HttpResponse<String> beacon(String id) throws IOException, InterruptedException {
    String body = JSON.createObjectNode().put("id", id).put("site", "clozette-id").put("type", "pageview")
        .put("url", "https://www.clozette.co.id/looks/outage").put("vid", "outage-visitor").toString();
    return HTTP.send(HttpRequest.newBuilder(uri("/collect")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "text/plain;charset=UTF-8").header("User-Agent", BROWSER)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The ids of every event in the events topic. */
  private static Set<String> eventIds() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    Set<String> ids = new HashSet<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor("events").stream().map(p -> new TopicPartition("events", p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(record -> ids.add(EventCodec.decode(record.value()).id()));
      }
    }
    return ids;
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
