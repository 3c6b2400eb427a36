package com.clozette.analytics.kafka;

import com.clozette.analytics.enrich.UserAgentClassifier;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/** The stream processor's topology in Kafka's test driver, as the topology tests share it: topics named as in config/analytics.yaml. */
final class TestTopology {
  private TestTopology() {}

  /** One partition, the given session gap, idle time before publishing and visitor retention; 8 days of state. */
  static KafkaSettings settings(Path stateDir, long gapMillis, Duration publishAfterIdle, Duration visitorRetention) {
    return new KafkaSettings("unused:9092", "events", "events-clean", "sessions", "session-pageviews", 1, (short) 1, "test", stateDir,
        Duration.ofSeconds(1), Duration.ofSeconds(5), gapMillis, publishAfterIdle, Duration.ofDays(8), visitorRetention);
  }

  /**
   * A timeline as the version before session pageview rows stored it (format 2): visitor v of site s,
   * a pageview of /p0 at 0, a ping at 60 s and a pageview of /p2 at 120 s, all arrived at {@code arrived}.
   */
  static byte[] formatTwoTimeline(String site, String vid, long arrived) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(2);
      out.writeLong(arrived);
      out.writeLong(Long.MIN_VALUE);
      out.writeLong(Long.MIN_VALUE);
      out.writeBoolean(false);
      out.writeInt(3);
      VisitorTimeline.writeString(out, site);
      VisitorTimeline.writeString(out, vid);
      for (int i = 0; i < 3; i++) {
        out.writeLong(i * 60_000L);
        out.writeLong(arrived);
        VisitorTimeline.writeString(out, "e" + i);
        VisitorTimeline.writeString(out, i == 1 ? null : "/p" + i);
        if (i != 1) {
          for (String value : new String[] {"web", "(direct)", "(none)", "Desktop", "Chrome", "Windows"}) {
            VisitorTimeline.writeString(out, value);
          }
        }
      }
    }
    return bytes.toByteArray();
  }

  static TopologyTestDriver driver(KafkaSettings settings, MeterRegistry metrics) {
    Properties properties = new Properties();
    properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    properties.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
    return new TopologyTestDriver(StreamProcessor.topology(settings, new UserAgentClassifier(100), metrics), properties);
  }
}
