package com.clozette.analytics.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream processor's topology, run by Kafka's test driver: events come from the collector with
 * their raw user agent only, and the clean rows Druid ingests carry the classification.
 */
class StreamClassificationTest {
  private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  private static final String HEADLESS = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";
  private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

  @TempDir Path stateDir;

  @Test
  void cleanRowsCarryTheClassificationOfTheRawUserAgent() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    KafkaSettings settings = TestTopology.settings(stateDir, Duration.ofMinutes(30).toMillis(), Duration.ofMinutes(30), Duration.ofDays(400));
    try (TopologyTestDriver driver = TestTopology.driver(settings, metrics)) {
      var events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
      var clean = driver.createOutputTopic("events-clean", new StringDeserializer(), new ByteArrayDeserializer());
      // As the collector writes them: the user agent raw, no classification (an old collector's would be replaced).
      for (String[] event : List.of(new String[] {"e1", GOOGLEBOT}, new String[] {"e2", HEADLESS}, new String[] {"e3", CHROME})) {
        Event raw = new Event(event[0], "clozette-id", EventType.PAGEVIEW, 1_000, "v-" + event[0], "https://www.clozette.co.id/a", null,
            event[1], Platform.WEB, null, null, false, null, null, null, null, "10.0.0.0");
        events.pipeInput("clozette-id/v-" + event[0], EventCodec.encode(raw));
      }

      List<CleanEvent> rows = clean.readValuesToList().stream().map(CleanEvent::fromJson).toList();

      assertEquals(List.of("true", "true", "false"), rows.stream().map(CleanEvent::bot).toList());
      assertEquals("yauaa", rows.get(0).botSource());
      assertEquals("Googlebot", rows.get(0).browser());
      assertEquals("list", rows.get(1).botSource());
      assertNull(rows.get(2).botSource());
      assertEquals("Chrome", rows.get(2).browser());
      assertEquals(1.0, metrics.counter("analytics.events.bots", "source", "stream", "bot_source", "yauaa").count());
      assertEquals(1.0, metrics.counter("analytics.events.bots", "source", "stream", "bot_source", "list").count());
    }
  }
}
