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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
  /** Ten minutes of checks: older candidates are dropped, so a Druid stalled longer reads as unknown progress. */
  private static final int MAX_CANDIDATES = 120;

  /** One datasource's ingestion as last checked; {@code pendingRecords} -1 when it could not be told. */
  record Ingestion(String datasource, String supervisor, long pendingRecords) {
    boolean caughtUp() {
      return pendingRecords == 0;
    }

    JsonObject toJson() {
      return new JsonObject().put("datasource", datasource).put("supervisor", supervisor)
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
  /** Everything acknowledged by this time (System.nanoTime) is in Druid; 0 until a check could tell. */
  private volatile long caughtUpThroughNanos;
  private volatile boolean caughtUp;
  /**
   * Times whose acknowledged events the stream processor had processed at a later check, with the
   * clean topics' ends that then held their output: once Druid has read up to those ends, it holds
   * everything acknowledged by that time. Oldest first; touched only by the (sequential) checks.
   */
  private final Deque<Candidate> candidates = new ArrayDeque<>();
  private Map<Integer, Long> previousRawEnd = Map.of();
  private long previousCheckNanos;

  private record Candidate(long atNanos, Map<String, Map<Integer, Long>> cleanEnds) {}
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
   * How long ago the newest moment is whose acknowledged events are all in Druid: 0 when the last
   * check found nothing pending, else at least the time between two checks under steady traffic
   * ({@link #PERIOD} and the time a check takes); -1 before a check could tell.
   */
  double behindSeconds() {
    if (caughtUp) {
      return 0;
    }
    long through = caughtUpThroughNanos;
    return through == 0 ? -1 : (System.nanoTime() - through) / 1e9;
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
        .compose(statuses -> vertx.executeBlocking(() -> measure(statuses), false))
        .onComplete(done -> {
          if (done.succeeded()) {
            last.set(done.result());
          }
          if (!closed) {
            timer = vertx.setTimer(PERIOD.toMillis(), id -> check());
          }
        });
  }

  /** Blocking: one check of every stage, in pipeline order (the stream processor before Druid). */
  private JsonObject measure(List<SupervisorStatus> statuses) {
    long startedNanos = System.nanoTime();
    ReadProgress.GroupProgress processor = streamProcessor();
    long processorLag = processor == null ? -1 : processor.backlog().records();
    List<Ingestion> ingestions = new ArrayList<>();
    Map<String, Map<Integer, Long>> cleanEnds = new LinkedHashMap<>();
    for (SupervisorStatus status : statuses) {
      ReadProgress.Backlog backlog = readable(status) ? backlog(status, null) : ReadProgress.Backlog.UNKNOWN;
      ingestions.add(new Ingestion(status.datasource(), status.state(), backlog.records()));
      cleanEnds.put(status.datasource(), backlog.end());
    }
    boolean allKnown = cleanEnds.values().stream().noneMatch(Map::isEmpty);
    if (processor != null && allKnown && processor.hasRead(previousRawEnd)) {
      // what was acknowledged by the previous check is processed: its output lies within these ends
      candidates.addLast(new Candidate(previousCheckNanos, cleanEnds));
      if (candidates.size() > MAX_CANDIDATES) {
        candidates.removeFirst();
      }
    }
    caughtUp = allCaughtUp(processorLag, ingestions);
    if (caughtUp) {
      caughtUpThroughNanos = startedNanos;
      candidates.clear();
    } else {
      advanceThroughCandidates(statuses);
    }
    if (processor != null) {
      previousRawEnd = processor.backlog().end();
      previousCheckNanos = startedNanos;
    }
    return json(processorLag, ingestions);
  }

  /** Moves the caught-up time to the newest candidate Druid has read, trying the newest and the oldest. */
  private void advanceThroughCandidates(List<SupervisorStatus> statuses) {
    for (Candidate candidate : candidates.isEmpty() ? List.<Candidate>of() : List.of(candidates.getLast(), candidates.getFirst())) {
      boolean read = statuses.stream().allMatch(status -> readable(status)
          && backlog(status, candidate.cleanEnds().get(status.datasource())).records() == 0);
      if (read) {
        caughtUpThroughNanos = Math.max(caughtUpThroughNanos, candidate.atNanos());
        while (!candidates.isEmpty() && candidates.getFirst().atNanos() <= candidate.atNanos()) {
          candidates.removeFirst();
        }
        return;
      }
    }
  }

  /** Blocking: the stream processor's progress on the raw events, null when Kafka does not say. */
  private ReadProgress.GroupProgress streamProcessor() {
    try {
      return ReadProgress.consumerGroup(kafka.bootstrap(), kafka.applicationId(), kafka.eventsTopic(), KAFKA_TIMEOUT);
    } catch (RuntimeException kafkaUnreachable) {
      return null;
    }
  }

  /** Whether a task reads every partition (not between tasks, and a supervisor exists). */
  private boolean readable(SupervisorStatus status) {
    return status.nextOffsets().size() >= kafka.partitions();
  }

  /** Blocking: the committed records after the supervisor's offsets, up to {@code until} (null: the current end). */
  private ReadProgress.Backlog backlog(SupervisorStatus status, Map<Integer, Long> until) {
    return ReadProgress.committedRecordsFrom(kafka.bootstrap(), topicOfDatasource.get(status.datasource()), status.nextOffsets(), until,
        COUNT_CAP, KAFKA_TIMEOUT);
  }

  private static boolean allCaughtUp(long streamProcessorLag, List<Ingestion> ingestions) {
    return streamProcessorLag == 0 && ingestions.stream().allMatch(Ingestion::caughtUp);
  }

  private List<Ingestion> unreachable(String state) {
    return topicOfDatasource.keySet().stream().map(datasource -> new Ingestion(datasource, state, -1)).toList();
  }

  private JsonObject json(long streamProcessorLag, List<Ingestion> ingestions) {
    pending.put(STREAM_PROCESSOR, streamProcessorLag);
    JsonArray datasources = new JsonArray();
    for (Ingestion ingestion : ingestions) {
      pending.put(ingestion.datasource(), ingestion.pendingRecords());
      datasources.add(ingestion.toJson());
    }
    return new JsonObject().put("caughtUp", allCaughtUp(streamProcessorLag, ingestions))
        .put("checkedAt", clock.instant().toString())
        .put("streamProcessor", new JsonObject().put("pendingRecords", streamProcessorLag))
        .put("datasources", datasources);
  }

  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(timer);
  }
}
