package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.server.config.AnalyticsConfig;
import com.clozette.analytics.server.config.ConfigException;
import com.clozette.analytics.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** The last session's pageview rows wait for the visitor to be idle a session gap, unless told otherwise (the scale tests: 1 s). */
  @Test
  void sessionPageviewsArePublishedAfterASessionGapOfIdleByDefault() {
    AnalyticsConfig config = ConfigLoader.parse(SITES, Map.of());
    assertEquals(java.time.Duration.ofMinutes(30), config.scaleOut().kafka().publishAfterIdle());
    assertEquals("session-pageviews", config.scaleOut().kafka().pageviewsTopic());
    assertEquals("session-pageviews", config.scaleOut().druid().pageviewsDatasource());
    assertEquals(java.time.Duration.ofMinutes(45),
        ConfigLoader.parse(SITES + "sessions:\n  gapMinutes: 45\n", Map.of()).scaleOut().kafka().publishAfterIdle(), "follows the gap");
    assertEquals(java.time.Duration.ofSeconds(1), ConfigLoader.parse(SITES, Map.of("ANALYTICS_PUBLISH_SESSION_PAGEVIEWS_AFTER_IDLE_SECONDS", "1"))
        .scaleOut().kafka().publishAfterIdle());
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(SITES + "kafka:\n  publishSessionPageviewsAfterIdleSeconds: 0\n", Map.of()));
    assertTrue(e.getMessage().contains("kafka.publishSessionPageviewsAfterIdleSeconds"), e.getMessage());
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

  /**
   * The specs ship beside the config file: loading it from any working directory finds them (the
   * test's working directory is the server module, where no config/druid exists).
   */
  @Test
  void theSpecFolderOfTheConfigFileIsRelativeToTheFileNotTheWorkingDirectory() {
    Path file = TestSystem.repositoryConfig().toAbsolutePath();
    AnalyticsConfig config = ConfigLoader.load(Map.of("ANALYTICS_CONFIG", file.toString(), "ANALYTICS_STORE", "druid", "ANALYTICS_SINK", "kafka"));
    assertEquals(file.getParent().resolve("druid"), config.scaleOut().druid().specDir());
    assertTrue(Files.isRegularFile(config.scaleOut().druid().specDir().resolve("events-supervisor.json")));
    // a path in the environment is typed in a shell: relative to the working directory
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("ANALYTICS_CONFIG", file.toString(),
        "ANALYTICS_STORE", "druid", "ANALYTICS_SINK", "kafka", "ANALYTICS_DRUID_SPEC_DIR", "druid")));
    assertTrue(e.getMessage().contains("druid.specDir") && e.getMessage().contains(Path.of("druid").toAbsolutePath().toString()), e.getMessage());
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
