package com.clozette.analytics.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventCodec;
import com.clozette.analytics.event.EventType;
import com.clozette.analytics.event.Platform;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream processor's topology, run by Kafka's test driver: session pageview rows go to their
 * own topic, a session's as soon as a newer one starts, the last one once the visitor has been idle
 * (a wall-clock sweep); the sessions topic carries session rows only.
 */
class SessionPageviewTopicTest {
  private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  private static final long GAP = Duration.ofMinutes(30).toMillis();
  private static final Duration IDLE = Duration.ofMinutes(10);

  @TempDir Path stateDir;

  @Test
  void pageviewRowsReachTheirTopicWhenTheSessionIsOverOrTheVisitorIdle() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (TopologyTestDriver driver = TestTopology.driver(TestTopology.settings(stateDir, GAP, IDLE, Duration.ofDays(400)), metrics)) {
      var events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
      var pageviews = driver.createOutputTopic("session-pageviews", new StringDeserializer(), new ByteArrayDeserializer());
      var sessions = driver.createOutputTopic("sessions", new StringDeserializer(), new ByteArrayDeserializer());
      for (Event event : List.of(pageview("a", 1_000, "/a"), pageview("b", 2_000, "/b"), pageview("c", 1_000 + 2 * GAP, "/c"))) {
        events.pipeInput("clozette-id/v", EventCodec.encode(event));
      }

      List<SessionPageviewRow> over = pageviews.readValuesToList().stream().map(SessionPageviewRow::fromJson).toList();
      assertEquals(List.of(List.of("/a", 1, "/b"), List.of("/b", 1, "/b")),
          over.stream().map(row -> List.<Object>of(row.path(), row.sign(), row.exit())).toList(), "the first session, once the second started");
      assertEquals(List.of(List.of(1_000L, 1), List.of(1_000L, -1), List.of(1_000L, 1), List.of(1_000L + 2 * GAP, 1)),
          sessions.readValuesToList().stream().map(SessionRow::fromJson).map(row -> List.<Object>of(row.ts(), row.sign())).toList(),
          "session rows, on each change, and only they on the sessions topic");

      driver.advanceWallClockTime(IDLE.minusMinutes(1));
      assertEquals(List.of(), pageviews.readValuesToList(), "not idle long enough");
      driver.advanceWallClockTime(Duration.ofMinutes(2));
      List<SessionPageviewRow> idle = pageviews.readValuesToList().stream().map(SessionPageviewRow::fromJson).toList();
      assertEquals(List.of(List.of("/c", 1, 1_000L + 2 * GAP)), idle.stream().map(row -> List.<Object>of(row.path(), row.sign(), row.sessionStart())).toList());
      driver.advanceWallClockTime(IDLE.multipliedBy(2));
      assertEquals(List.of(), pageviews.readValuesToList(), "published once");
      assertEquals(3.0, metrics.counter("analytics.stream.session.pageview.rows", "sign", "+1").count());
    }
  }

  /** A visitor forgotten (visitor retention shorter than the rest) has its last session's rows written first, never lost. */
  @Test
  void aVisitorForgottenBeforeItWasIdleLongEnoughIsPublishedFirst() {
    try (TopologyTestDriver driver = TestTopology.driver(TestTopology.settings(stateDir, GAP, Duration.ofDays(1), Duration.ofHours(1)),
        new SimpleMeterRegistry())) {
      var events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
      var pageviews = driver.createOutputTopic("session-pageviews", new StringDeserializer(), new ByteArrayDeserializer());
      events.pipeInput("clozette-id/v", EventCodec.encode(pageview("a", 1_000, "/a")));
      events.pipeInput("clozette-id/v", EventCodec.encode(pageview("b", 2_000, "/b")));
      driver.advanceWallClockTime(Duration.ofHours(2));
      assertEquals(List.of("/a", "/b"), pageviews.readValuesToList().stream().map(SessionPageviewRow::fromJson).map(SessionPageviewRow::path).toList());
    }
  }

  /**
   * A timeline stored before session pageview rows (an upgrade without a reset) is found by the trim
   * sweep, which reads every timeline, and its sessions are published once its visitor is idle.
   */
  @Test
  void aTimelineStoredBeforePageviewRowsIsPublishedAfterAnUpgrade() throws Exception {
    try (TopologyTestDriver driver = TestTopology.driver(TestTopology.settings(stateDir, GAP, IDLE, Duration.ofDays(400)), new SimpleMeterRegistry())) {
      var pageviews = driver.createOutputTopic("session-pageviews", new StringDeserializer(), new ByteArrayDeserializer());
      KeyValueStore<String, byte[]> timelines = driver.getKeyValueStore(StreamProcessor.TIMELINE_STORE);
      // arrived just now (the driver's wall clock starts at the system's): not old enough to be trimmed
      timelines.put("clozette-id/v", TestTopology.formatTwoTimeline("clozette-id", "v", System.currentTimeMillis()));
      driver.advanceWallClockTime(Duration.ofMinutes(11));
      driver.advanceWallClockTime(Duration.ofMinutes(4));
      assertEquals(List.of("/p0", "/p2"), pageviews.readValuesToList().stream().map(SessionPageviewRow::fromJson).map(SessionPageviewRow::path).toList());
    }
  }

  private static Event pageview(String id, long ts, String path) {
    return new Event(id, "clozette-id", EventType.PAGEVIEW, ts, "v", "https://www.clozette.co.id" + path, null, CHROME, Platform.WEB, null, null,
        false, null, null, null, null, "10.0.0.0");
  }
}
