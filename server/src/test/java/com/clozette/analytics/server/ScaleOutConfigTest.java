package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.clozette.analytics.server.config.AnalyticsConfig;
import com.clozette.analytics.server.config.ConfigException;
import com.clozette.analytics.server.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** store/sink selection and the Kafka and Druid keys: defaults keep the embedded shape, bad values name the key. */
class ScaleOutConfigTest {
  private static final String SITES = "sites:\n  - id: clozette-id\n";

  @Test
  void theDefaultsKeepTheEmbeddedShape() {
    AnalyticsConfig config = ConfigLoader.parse(SITES, Map.of());
    assertEquals(AnalyticsConfig.Store.DUCKDB, config.scaleOut().store());
    assertEquals(AnalyticsConfig.Sink.LOG, config.scaleOut().sink());
  }

  /** Above the collector's 7-day limit on event time, and the 400 days browsers keep a cookie. */
  @Test
  void theStreamProcessorsStateIsKeptEightDaysAndVisitorsFourHundred() {
    AnalyticsConfig.Kafka kafka = ConfigLoader.parse(SITES, Map.of()).scaleOut().kafka();
    assertEquals(java.time.Duration.ofDays(8), kafka.stateRetention());
    assertEquals(java.time.Duration.ofDays(400), kafka.visitorRetention());
    assertEquals(true, kafka.streamProcessor());
    AnalyticsConfig.Kafka set = ConfigLoader.parse(SITES + "kafka:\n  stateRetentionHours: 24\n  visitorRetentionDays: 30\n", Map.of())
        .scaleOut().kafka();
    assertEquals(java.time.Duration.ofHours(24), set.stateRetention());
    assertEquals(java.time.Duration.ofDays(30), set.visitorRetention());
  }

  @Test
  void environmentSelectsDruidAndKafka() {
    AnalyticsConfig config = ConfigLoader.parse(SITES, Map.of("ANALYTICS_STORE", "druid", "ANALYTICS_SINK", "kafka",
        "ANALYTICS_KAFKA_BOOTSTRAP", "k1:9092,k2:9092", "ANALYTICS_DRUID_URL", "http://broker:8082",
        "ANALYTICS_DRUID_SPEC_DIR", TestSystem.repositoryConfig().getParent().resolve("druid").toString()));
    assertEquals(AnalyticsConfig.Store.DRUID, config.scaleOut().store());
    assertEquals("k1:9092,k2:9092", config.scaleOut().kafka().bootstrap());
    assertEquals("http://broker:8082", config.scaleOut().druid().url());
  }

  @Test
  void aCollectorOnlyInstanceIsOneEnvironmentVariableAway() {
    assertEquals(false, ConfigLoader.parse(SITES, Map.of("ANALYTICS_STREAM_PROCESSOR", "false")).scaleOut().kafka().streamProcessor());
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(SITES, Map.of("ANALYTICS_STREAM_PROCESSOR", "no")));
    assertEquals(true, e.getMessage().contains("kafka.streamProcessor"), e.getMessage());
  }

  @Test
  void druidWithTheLocalLogIsRefusedNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(SITES + "store: druid\n", Map.of()));
    assertEquals(true, e.getMessage().contains("sink"), e.getMessage());
  }

  @Test
  void aBootstrapWithoutPortIsRefusedNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(SITES + "kafka:\n  bootstrap: kafka-1\n", Map.of()));
    assertEquals(true, e.getMessage().contains("kafka.bootstrap"), e.getMessage());
  }
}
