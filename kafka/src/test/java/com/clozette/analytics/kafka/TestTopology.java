package com.clozette.analytics.kafka;

import com.clozette.analytics.enrich.UserAgentClassifier;
import io.micrometer.core.instrument.MeterRegistry;
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

  static TopologyTestDriver driver(KafkaSettings settings, MeterRegistry metrics) {
    Properties properties = new Properties();
    properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    properties.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
    return new TopologyTestDriver(StreamProcessor.topology(settings, new UserAgentClassifier(100), metrics), properties);
  }
}
