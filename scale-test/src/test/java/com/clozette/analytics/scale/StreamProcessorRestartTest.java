package com.clozette.analytics.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.golden.GoldenData;
import com.clozette.analytics.kafka.GoldenSessions;
import com.clozette.analytics.kafka.KafkaEventSink;
import com.clozette.analytics.kafka.KafkaSettings;
import com.clozette.analytics.kafka.SessionPageviewRow;
import com.clozette.analytics.kafka.SessionRow;
import com.clozette.analytics.kafka.StreamProcessor;
import com.clozette.analytics.kafka.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stream processor against a real Kafka broker: its state (seen ids, visitor timelines) survives
 * a SIGKILL in the middle of a stream without losing or double counting anything, and is bounded by
 * its retention. What Druid would ingest is read back here with {@code read_committed}, as Druid reads it.
 */
class StreamProcessorRestartTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path ROOT = MODULE.resolve("target/restart-test");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration TRICKLE = Duration.ofSeconds(3);

  private static KafkaBroker broker;
  private static Vertx vertx;

  @BeforeAll
  static void startKafka() throws Exception {
    broker = KafkaBroker.start(MODULE, ROOT.resolve("kafka"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopKafka() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /**
   * Half the golden set, then the other half trickled in with the processor killed (SIGKILL) a third
   * of the way through, then a new processor and the whole set sent again: the session rows still sum to every golden
   * figure, the session pageview rows to every golden pageview count (each pageview's rows summing to 1,
   * its session published once the visitor was idle a second), and the clean topic holds each event exactly once.
   */
  @Test
  void aProcessorKilledMidStreamIsReplacedWithoutLosingOrDoubleCountingAnything() throws Exception {
    KafkaSettings settings = StreamProcessorChild.settings(broker.bootstrap(), "restart-test", ROOT.resolve("state-1"), "", Duration.ofDays(8));
    Topics.ensure(settings, 30_000);
    List<Event> events = GoldenData.acceptedEvents();
    List<Event> firstHalf = events.subList(0, events.size() / 2);
    List<Event> secondHalf = events.subList(events.size() / 2, events.size());

    try (KafkaEventSink sink = new KafkaEventSink(vertx, settings, "restart-test-sink", new SimpleMeterRegistry());
        TopicReader<SessionRow> sessions = new TopicReader<>(broker.bootstrap(), settings.sessionsTopic(), SessionRow::fromJson);
        TopicReader<SessionPageviewRow> pageviews = new TopicReader<>(broker.bootstrap(), settings.pageviewsTopic(), SessionPageviewRow::fromJson);
        TopicReader<JsonNode> clean = new TopicReader<>(broker.bootstrap(), settings.cleanTopic(), StreamProcessorRestartTest::json)) {
      Process first = startChild(settings, "processor-1", ROOT.resolve("state-1"));
      sink.send(firstHalf).get(30, TimeUnit.SECONDS);
      awaitRows(sessions, Duration.ofSeconds(60));
      CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> sendSlowly(sink, secondHalf));
      Thread.sleep(TRICKLE.toMillis() / 3);
      first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      long rowsAtKill = sessions.read().size();
      trickle.get(60, TimeUnit.SECONDS);

      Process second = startChild(settings, "processor-2", ROOT.resolve("state-2"));
      try {
        sink.send(events).get(30, TimeUnit.SECONDS);
        List<String> mismatches = settle(sessions, GoldenSessions::mismatches);
        System.out.printf("[restart] session rows committed when the first processor was killed: %d; after the second settled: %d%n",
            rowsAtKill, sessions.read().size());
        assertEquals(List.of(), mismatches.isEmpty() ? mismatches : mismatches.subList(0, Math.min(3, mismatches.size())),
            "session rows after the kill (" + rowsAtKill + " rows were committed when it died)");
        List<String> pageviewMismatches = settle(pageviews, GoldenSessions::pageviewMismatches);
        System.out.printf("[restart] session pageview rows after the second settled: %d%n", pageviews.read().size());
        assertEquals(List.of(), pageviewMismatches.subList(0, Math.min(3, pageviewMismatches.size())), "session pageview rows after the kill");
        Map<String, Integer> copies = new HashMap<>();
        clean.read().forEach(row -> copies.merge(row.path("site").asText() + "/" + row.path("id").asText(), 1, Integer::sum));
        Map<String, Integer> once = new HashMap<>();
        events.forEach(event -> once.put(event.site() + "/" + event.id(), 1));
        assertEquals(once, copies, "each accepted event exactly once in the clean topic");
      } finally {
        second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The seen-ids store forgets an id once the retention has passed since it arrived: a copy within
   * the retention is dropped, one after it is passed on again (the documented price of bounded state).
   */
  @Test
  void anEventIdIsRememberedForTheRetentionAndThenForgotten() throws Exception {
    KafkaSettings settings = StreamProcessorChild.settings(broker.bootstrap(), "retention-test", ROOT.resolve("state-retention"),
        "retention-", Duration.ofSeconds(5));
    Topics.ensure(settings, 30_000);
    Event event = GoldenSessions.countedEvents().get(0);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (KafkaEventSink sink = new KafkaEventSink(vertx, settings, "retention-test-sink", new SimpleMeterRegistry());
        TopicReader<JsonNode> clean = new TopicReader<>(broker.bootstrap(), settings.cleanTopic(), StreamProcessorRestartTest::json);
        StreamProcessor processor = StreamProcessor.start(settings, new UserAgentClassifier(1_000), metrics)) {
      sink.send(List.of(event)).get(30, TimeUnit.SECONDS);
      awaitCount(metrics, "analytics.stream.events", "outcome", "unique", 1);
      sink.send(List.of(event)).get(30, TimeUnit.SECONDS);
      awaitCount(metrics, "analytics.stream.events", "outcome", "duplicate", 1);
      awaitCount(metrics, "analytics.stream.state.forgotten", "store", "seen-events", 1);
      sink.send(List.of(event)).get(30, TimeUnit.SECONDS);
      awaitCount(metrics, "analytics.stream.events", "outcome", "unique", 2);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (clean.read().size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(2, clean.read().size(), "the first copy, and the one after the id was forgotten; not the one within the retention");
      assertEquals(1.0, metrics.counter("analytics.stream.events", "outcome", "duplicate").count());
    }
  }

  /** Waits (at most a minute) until the processor's counter reaches {@code atLeast}; fails saying where it stopped. */
  private static void awaitCount(SimpleMeterRegistry metrics, String name, String tag, String value, double atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (metrics.counter(name, tag, value).count() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + "{" + tag + "=" + value + "} stayed at " + metrics.counter(name, tag, value).count());
      }
      Thread.sleep(100);
    }
  }

  /** Sends the events in small batches spread over {@link #TRICKLE}, so that the processor is busy with them when it is killed. */
  private static void sendSlowly(KafkaEventSink sink, List<Event> events) {
    int batches = 50;
    int size = (events.size() + batches - 1) / batches;
    try {
      for (int from = 0; from < events.size(); from += size) {
        sink.send(events.subList(from, Math.min(events.size(), from + size))).get(30, TimeUnit.SECONDS);
        Thread.sleep(TRICKLE.toMillis() / batches);
      }
    } catch (Exception e) {
      throw new IllegalStateException("sending the second half failed", e);
    }
  }

  private static Process startChild(KafkaSettings settings, String name, Path stateDir) throws IOException {
    java.nio.file.Files.createDirectories(ROOT);
    return ChildProcesses.spawn(ROOT, ROOT.resolve(name + ".log"), List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
        StreamProcessorChild.class.getName(), settings.bootstrap(), settings.applicationId(), stateDir.toString()));
  }

  private static void awaitRows(TopicReader<?> reader, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (reader.read().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("nothing on " + reader.topic + " within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  /** Waits until the rows sum to the golden figures and stay unchanged for 3 s; answers the last mismatches. */
  private static <T> List<String> settle(TopicReader<T> reader, Function<List<T>, List<String>> golden) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    int stableRows = -1;
    long stableSince = 0;
    List<String> mismatches = golden.apply(reader.read());
    while (System.nanoTime() < deadline) {
      List<T> rows = reader.read();
      mismatches = golden.apply(rows);
      if (!mismatches.isEmpty() || rows.size() != stableRows) {
        stableRows = mismatches.isEmpty() ? rows.size() : -1;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince > Duration.ofSeconds(3).toNanos()) {
        return mismatches;
      }
      Thread.sleep(250);
    }
    return mismatches;
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything committed to a topic so far, read as Druid reads it ({@code read_committed}), from the beginning. */
  private static final class TopicReader<T> implements AutoCloseable {
    private final String topic;
    private final Function<byte[], T> decode;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<T> rows = new ArrayList<>();

    TopicReader(String bootstrap, String topic, Function<byte[], T> decode) {
      this.topic = topic;
      this.decode = decode;
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    /** Everything so far: polls until a poll finds nothing new. */
    List<T> read() {
      while (true) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          return new ArrayList<>(rows);
        }
        for (ConsumerRecord<String, byte[]> record : records) {
          rows.add(decode.apply(record.value()));
        }
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
