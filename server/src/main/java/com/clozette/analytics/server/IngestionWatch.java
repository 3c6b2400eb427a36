package com.clozette.analytics.server;

import com.clozette.analytics.druid.DruidConnection;
import com.clozette.analytics.druid.SupervisorStatus;
import com.clozette.analytics.kafka.KafkaSettings;
import com.clozette.analytics.kafka.ReadProgress;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether everything Kafka acknowledged has reached Druid, checked every {@link #PERIOD} in the
 * background: the stream processor's lag on the raw events topic (its consumer group's committed
 * offsets), and for each datasource the supervisor's next offsets (Druid) and the committed records
 * at or after them (Kafka). Caught up when nothing remains anywhere. Shown in {@code /health} and as
 * {@code analytics_ingestion_pending_records{stage}} (-1 while it cannot be told), so an operator, or
 * a script after an import, can wait for it.
 */
final class IngestionWatch implements AutoCloseable {
  static final Duration PERIOD = Duration.ofSeconds(5);
  /** Past this many pending records the count stops: "far behind" needs no exact figure. */
  static final long COUNT_CAP = 100_000;
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(3);

  /** One datasource's ingestion as last checked; {@code pendingRecords} -1 when it could not be told. */
  record Ingestion(String datasource, String topic, String supervisor, long pendingRecords) {
    boolean caughtUp() {
      return pendingRecords == 0;
    }

    JsonObject toJson() {
      return new JsonObject().put("datasource", datasource).put("topic", topic).put("supervisor", supervisor)
          .put("caughtUp", caughtUp()).put("pendingRecords", pendingRecords);
    }
  }

  private static final String STREAM_PROCESSOR = "stream-processor";

  private final Vertx vertx;
  private final DruidConnection druid;
  private final KafkaSettings kafka;
  private final Map<String, String> topicOfDatasource;
  private final Clock clock;
  private final AtomicReference<JsonObject> last;
  private final Map<String, Long> pending = new ConcurrentHashMap<>();
  private volatile boolean closed;
  /** When a check last found everything caught up (System.nanoTime), 0 before the first such check. */
  private volatile long caughtUpAtNanos;
  private volatile boolean caughtUp;
  private volatile long timer = -1;

  /** @param topicOfDatasource which Kafka topic each datasource's supervisor reads */
  IngestionWatch(Vertx vertx, DruidConnection druid, KafkaSettings kafka, Map<String, String> topicOfDatasource, Clock clock,
      MeterRegistry metrics) {
    this.vertx = vertx;
    this.druid = druid;
    this.kafka = kafka;
    this.topicOfDatasource = new LinkedHashMap<>(topicOfDatasource);
    this.clock = clock;
    List<String> stages = new ArrayList<>(List.of(STREAM_PROCESSOR));
    stages.addAll(topicOfDatasource.keySet());
    for (String stage : stages) {
      pending.put(stage, -1L);
      Gauge.builder("analytics.ingestion.pending.records", pending, p -> p.get(stage))
          .description("Kafka records this stage (the stream processor, or the Druid datasource's supervisor) has not read yet;"
              + " 0: caught up, -1: unknown")
          .tag("stage", stage).register(metrics);
    }
    this.last = new AtomicReference<>(json(-1, unreachable("NOT_CHECKED")));
  }

  IngestionWatch start() {
    timer = vertx.setTimer(1, id -> check());
    return this;
  }

  /**
   * How long since a check last found everything caught up: 0 when the last check did (a check
   * every {@link #PERIOD}, so within that), -1 before any check did.
   */
  double behindSeconds() {
    if (caughtUp) {
      return 0;
    }
    long at = caughtUpAtNanos;
    return at == 0 ? -1 : (System.nanoTime() - at) / 1e9;
  }

  /** The last check, for {@code /health}. */
  JsonObject health() {
    return last.get();
  }

  private void check() {
    if (closed) {
      return;
    }
    druid.supervisorStatuses()
        .recover(unreachable -> Future.succeededFuture(topicOfDatasource.keySet().stream()
            .map(datasource -> new SupervisorStatus(datasource, SupervisorStatus.UNREACHABLE, Map.of())).toList()))
        .compose(statuses -> vertx.executeBlocking(() -> json(streamProcessorLag(), statuses.stream().map(this::ingestion).toList()), false))
        .onComplete(done -> {
          if (done.succeeded()) {
            last.set(done.result());
          }
          if (!closed) {
            timer = vertx.setTimer(PERIOD.toMillis(), id -> check());
          }
        });
  }

  /** Blocking: the raw events the stream processor has not committed yet, -1 when Kafka does not say. */
  private long streamProcessorLag() {
    try {
      return ReadProgress.consumerGroupLag(kafka.bootstrap(), kafka.applicationId(), kafka.eventsTopic(), KAFKA_TIMEOUT);
    } catch (RuntimeException kafkaUnreachable) {
      return -1;
    }
  }

  /** Blocking: asks Kafka what remains after the supervisor's offsets. */
  private Ingestion ingestion(SupervisorStatus status) {
    String topic = topicOfDatasource.get(status.datasource());
    if (status.nextOffsets().size() < kafka.partitions()) {
      // a partition no task reads (between tasks, or no supervisor): nothing can be said
      return new Ingestion(status.datasource(), topic, status.state(), -1);
    }
    try {
      return new Ingestion(status.datasource(), topic, status.state(),
          ReadProgress.committedRecordsFrom(kafka.bootstrap(), topic, status.nextOffsets(), COUNT_CAP, KAFKA_TIMEOUT));
    } catch (RuntimeException kafkaUnreachable) {
      return new Ingestion(status.datasource(), topic, status.state(), -1);
    }
  }

  private List<Ingestion> unreachable(String state) {
    return topicOfDatasource.entrySet().stream().map(datasource -> new Ingestion(datasource.getKey(), datasource.getValue(), state, -1)).toList();
  }

  private JsonObject json(long streamProcessorLag, List<Ingestion> ingestions) {
    pending.put(STREAM_PROCESSOR, streamProcessorLag);
    JsonArray datasources = new JsonArray();
    for (Ingestion ingestion : ingestions) {
      pending.put(ingestion.datasource(), ingestion.pendingRecords());
      datasources.add(ingestion.toJson());
    }
    caughtUp = streamProcessorLag == 0 && ingestions.stream().allMatch(Ingestion::caughtUp);
    if (caughtUp) {
      caughtUpAtNanos = System.nanoTime();
    }
    return new JsonObject().put("caughtUp", caughtUp)
        .put("checkedAt", clock.instant().toString())
        .put("streamProcessor", new JsonObject().put("group", kafka.applicationId()).put("topic", kafka.eventsTopic())
            .put("pendingRecords", streamProcessorLag))
        .put("datasources", datasources);
  }

  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(timer);
  }
}
