package com.clozette.analytics.server;

import com.clozette.analytics.aggregator.auth.TokenAuthenticator;
import com.clozette.analytics.aggregator.http.Sites;
import com.clozette.analytics.aggregator.importer.Importer;
import com.clozette.analytics.druid.DruidConnection;
import com.clozette.analytics.druid.DruidSettings;
import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.EventParser;
import com.clozette.analytics.kafka.KafkaEventSink;
import com.clozette.analytics.kafka.KafkaImportStore;
import com.clozette.analytics.kafka.KafkaSettings;
import com.clozette.analytics.kafka.StreamProcessor;
import com.clozette.analytics.kafka.Topics;
import com.clozette.analytics.server.config.AnalyticsConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The storage of the scale-out shape ({@code store: druid}, {@code sink: kafka}): events go to Kafka
 * (collector and import alike), this process runs its share of the stream processor, and reports
 * come from Druid. Opened off the event loop, before the HTTP server listens.
 *
 * <p>No report cache here: the cache is invalidated by the store's commits, and Druid commits on its
 * own schedule, seconds after the stream processor, so a cached answer could outlive its data.
 */
final class ScaleOut implements AutoCloseable {
  private static final long KAFKA_SETUP_TIMEOUT_MS = 30_000;
  private static final Duration SUPERVISOR_RETRY = Duration.ofSeconds(10);

  private final KafkaEventSink sink;
  private final StreamProcessor processor;
  private final DruidConnection druid;
  private final IngestionWatch ingestion;

  private ScaleOut(KafkaEventSink sink, StreamProcessor processor, DruidConnection druid, IngestionWatch ingestion) {
    this.sink = sink;
    this.processor = processor;
    this.druid = druid;
    this.ingestion = ingestion;
  }

  /** Whether Druid has read everything committed to Kafka, as last checked (for {@code /health}). */
  JsonObject ingestion() {
    return ingestion.health();
  }

  /** How long since Druid last held everything Kafka acknowledged (0: it does; -1: never seen). */
  double behindSeconds() {
    return ingestion.behindSeconds();
  }

  /**
   * Blocking: creates missing topics (Kafka must be reachable), starts the stream processor unless
   * this instance is a collector only ({@code kafka.streamProcessor: false}), and submits missing
   * Druid supervisors in the background (Druid may come later).
   */
  static AnalyticsServer.Storage open(Vertx vertx, AnalyticsConfig config, MeterRegistry metrics, Sites sites,
      TokenAuthenticator authenticator) {
    AnalyticsConfig.Kafka kafka = config.scaleOut().kafka();
    KafkaSettings kafkaSettings = new KafkaSettings(kafka.bootstrap(), kafka.eventsTopic(), kafka.cleanTopic(), kafka.sessionsTopic(),
        kafka.pageviewsTopic(), kafka.partitions(), (short) kafka.replication(), kafka.applicationId(), config.dataDir().resolve("streams"),
        kafka.sendTimeout(), kafka.deliveryTimeout(), config.sessionGap().toMillis(), kafka.publishAfterIdle(), kafka.stateRetention(),
        kafka.visitorRetention());
    Topics.ensure(kafkaSettings, KAFKA_SETUP_TIMEOUT_MS);
    AnalyticsConfig.Druid druid = config.scaleOut().druid();
    DruidSettings druidSettings = new DruidSettings(druid.url(), druid.overlordUrl(), druid.specDir(), druid.eventsDatasource(),
        druid.sessionsDatasource(), druid.pageviewsDatasource(), specVariables(kafka, druid), druid.queryTimeout());
    DruidConnection connection = new DruidConnection(vertx, druidSettings);
    IngestionWatch ingestion = new IngestionWatch(vertx, connection, kafkaSettings,
        Map.of(druid.eventsDatasource(), kafka.cleanTopic(), druid.sessionsDatasource(), kafka.sessionsTopic(),
            druid.pageviewsDatasource(), kafka.pageviewsTopic()), Clock.systemUTC(), metrics);
    KafkaEventSink sink = null;
    StreamProcessor processor = null;
    try {
      connection.submitMissingSupervisors(SUPERVISOR_RETRY);
      sink = new KafkaEventSink(vertx, kafkaSettings, "clozette-collector", metrics);
      UserAgentClassifier userAgents = AnalyticsServer.classifier(metrics);
      if (kafka.streamProcessor()) {
        processor = StreamProcessor.start(kafkaSettings, userAgents, metrics);
      }
      ScaleOut scaleOut = new ScaleOut(sink, processor, connection, ingestion.start());
      EventParser parser = new EventParser(new ObjectMapper(), config.siteIds());
      Importer importer = new Importer(parser, userAgents, new KafkaImportStore(sink, kafka.deliveryTimeout().multipliedBy(2)), metrics);
      return new AnalyticsServer.Storage(null, null, connection.reportStore(), sites, null, importer, parser, userAgents, authenticator, sink, scaleOut);
    } catch (RuntimeException | IOException e) {
      new ScaleOut(sink, processor, connection, ingestion).close();
      throw new IllegalStateException("cannot start the scale-out storage: " + e.getMessage(), e);
    }
  }

  /** What {@code ${NAME}} in the Druid specs stands for: the Kafka bootstrap, topic and datasource names. */
  static Map<String, String> specVariables(AnalyticsConfig.Kafka kafka, AnalyticsConfig.Druid druid) {
    return Map.of(
        "KAFKA_BOOTSTRAP", kafka.bootstrap(),
        "CLEAN_TOPIC", kafka.cleanTopic(),
        "SESSIONS_TOPIC", kafka.sessionsTopic(),
        "PAGEVIEWS_TOPIC", kafka.pageviewsTopic(),
        "EVENTS_DATASOURCE", druid.eventsDatasource(),
        "SESSIONS_DATASOURCE", druid.sessionsDatasource(),
        "PAGEVIEWS_DATASOURCE", druid.pageviewsDatasource());
  }

  @Override
  public void close() {
    ingestion.close();
    if (processor != null) {
      processor.close();
    }
    if (sink != null) {
      sink.close();
    }
    druid.close();
  }
}
