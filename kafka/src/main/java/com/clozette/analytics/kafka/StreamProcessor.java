package com.clozette.analytics.kafka;

import com.clozette.analytics.aggregator.load.UserAgentEnrichment;
import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Druid cannot do on ingest, done between the topics: drop copies of an event by
 * {@code (site, id)}, and sessionise each visitor by RULES.md, in two sub-topologies.
 *
 * <pre>
 * events (key site/vid, EventCodec) -> re-key site/id -> [dedupe: seen-events store] -> clean (key site/vid, CleanEvent JSON)
 * clean -> [sessionise: visitor-timelines store] -> sessions (key site/vid, SessionRow JSON with sign)
 *                                                 -> session-pageviews (key site/vid, SessionPageviewRow JSON with sign)
 * </pre>
 *
 * <p>A session's pageview rows are written once the session is over (see {@link VisitorTimeline}):
 * when a newer session of the visitor arrives, or by a wall-clock sweep once the visitor has had no
 * arrival for {@link KafkaSettings#publishAfterIdle()}.
 *
 * Both stores are in memory and backed by changelog topics, and processing is
 * {@code exactly_once_v2}: records written, store changes and input offsets commit in one Kafka
 * transaction, so after a crash or restart the stores are restored from their changelogs and no
 * input is counted twice or lost. Druid reads the output topics with {@code read_committed}.
 * Instances of this processor with the same application id share the partitions (a consumer group).
 *
 * <p>The stores are bounded by {@link KafkaSettings#stateRetention()}: each processor sweeps its store on
 * a wall-clock schedule, forgetting event ids that arrived longer ago and trimming the timelines of
 * visitors inactive for longer (to a few bytes that remember their horizon and whether they were ever
 * seen), and forgets a visitor altogether after {@link KafkaSettings#visitorRetention()}.
 */
public final class StreamProcessor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamProcessor.class);
  static final String SEEN_STORE = "seen-events";
  static final String TIMELINE_STORE = "visitor-timelines";
  /**
   * The visitors whose timeline holds a session with pageview rows not written yet (with the time they
   * were listed): what the idle sweep reads, so that it costs the visitors of the last idle period, not
   * every visitor of the retention. Written when a visitor is listed and when it is published, not on
   * every event: their idleness is read from the timeline.
   */
  static final String UNPUBLISHED_STORE = "unpublished-visitors";

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;

  private StreamProcessor(KafkaStreams streams, KafkaStreamsMetrics streamsMetrics) {
    this.streams = streams;
    this.streamsMetrics = streamsMetrics;
  }

  /**
   * Starts processing; returns at once, the streams threads join the group in the background.
   *
   * @param userAgents classifies each event's raw user agent once it is known not to be a copy (the
   *     collector stores it unclassified), on the stream threads, never on a request path
   */
  public static StreamProcessor start(KafkaSettings settings, UserAgentClassifier userAgents, MeterRegistry metrics) {
    KafkaStreams streams = new KafkaStreams(topology(settings, userAgents, metrics), properties(settings));
    streams.setUncaughtExceptionHandler(failure -> {
      LOG.error("stream processing failed; replacing the thread (its work restarts from the last commit)", failure);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    // Kafka Streams' own metrics (consumer lag, commit and process rates, ...) on /metrics beside ours
    KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
    try {
      streamsMetrics.bindTo(metrics);
      streams.start();
    } catch (RuntimeException e) {
      streamsMetrics.close();
      streams.close(Duration.ofSeconds(10));
      throw e;
    }
    return new StreamProcessor(streams, streamsMetrics);
  }

  static Properties properties(KafkaSettings settings) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) settings.replication());
    // Under exactly-once the commit interval is the latency from an event to its rows being readable
    // by Druid (read_committed): 100 ms is Kafka Streams' own default for EOS, stated for the reader.
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    // An instance that dies without leaving the group (kill -9, a lost machine) hands its partitions
    // to the others after this, instead of the consumer default of 45 s of stalled sessions.
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
    return props;
  }

  static Topology topology(KafkaSettings settings, UserAgentClassifier userAgents, MeterRegistry metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SEEN_STORE), Serdes.String(), Serdes.Long()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TIMELINE_STORE), Serdes.String(), Serdes.ByteArray()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(UNPUBLISHED_STORE), Serdes.String(), Serdes.Long()));

    Counter duplicates = metrics.counter("analytics.stream.events", "outcome", "duplicate");
    Counter unique = metrics.counter("analytics.stream.events", "outcome", "unique");
    Counter tooLate = metrics.counter("analytics.stream.events", "outcome", "too_late_for_sessions");
    Counter overLimit = metrics.counter("analytics.stream.events", "outcome", "visitor_over_limit");
    Counter sessionRows = metrics.counter("analytics.stream.session.rows");
    Counter retractions = metrics.counter("analytics.stream.session.retractions");
    Counter pageviewRows = metrics.counter("analytics.stream.session.pageview.rows", "sign", "+1");
    Counter pageviewRetractions = metrics.counter("analytics.stream.session.pageview.rows", "sign", "-1");
    Counter forgottenIds = metrics.counter("analytics.stream.state.forgotten", "store", SEEN_STORE);
    Counter forgottenVisitors = metrics.counter("analytics.stream.state.forgotten", "store", TIMELINE_STORE);
    Duration sweepEvery = sweepInterval(settings.stateRetention());

    builder.stream(settings.eventsTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .selectKey((visitorKey, value) -> {
          Event event = EventCodec.decode(value);
          return EventKeys.event(event.site(), event.id());
        })
        .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("by-event").withNumberOfPartitions(settings.partitions()))
        .process(() -> new Dedupe(settings.stateRetention(), sweepEvery, duplicates, unique, forgottenIds,
            new UserAgentEnrichment(userAgents, metrics, "stream")), SEEN_STORE)
        .to(settings.cleanTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()));

    Produced<String, byte[]> json = Produced.with(Serdes.String(), Serdes.ByteArray());
    builder.stream(settings.cleanTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(() -> new Sessionise(settings, sweepEvery, new RowCounters(sessionRows, retractions, pageviewRows, pageviewRetractions),
            tooLate, overLimit, forgottenVisitors), TIMELINE_STORE, UNPUBLISHED_STORE)
        .split()
        .branch((visitor, row) -> row.destination() == Destination.SESSIONS,
            Branched.withConsumer(rows -> rows.mapValues(Routed::json).to(settings.sessionsTopic(), json)))
        .defaultBranch(Branched.withConsumer(rows -> rows.mapValues(Routed::json).to(settings.pageviewsTopic(), json)));
    return builder.build();
  }

  /** Which topic a row of the sessioniser goes to. */
  enum Destination { SESSIONS, PAGEVIEWS }

  /** A row of the sessioniser, as JSON, with its topic. */
  record Routed(Destination destination, byte[] json) {}

  /** The sessioniser's rows by kind and sign. */
  private record RowCounters(Counter sessionRows, Counter retractions, Counter pageviewRows, Counter pageviewRetractions) {}

  /**
   * The most visitors, and about the most pageview rows, one idle sweep publishes; the others wait
   * for the next sweep. Bounds what one punctuation writes in one transaction, so a burst of idle
   * visitors (all of a replay's, an outage's) cannot outlast the transaction's timeout.
   */
  static final int MAX_PUBLISHED_PER_SWEEP = 10_000;
  static final int MAX_ROWS_PER_SWEEP = 100_000;

  /** Between a second and a minute: a quarter of {@code publishAfterIdle}, so rows are written at most that much after it. */
  static Duration publishInterval(Duration publishAfterIdle) {
    Duration quarter = publishAfterIdle.dividedBy(4);
    Duration floor = Duration.ofSeconds(1);
    Duration ceiling = Duration.ofMinutes(1);
    return quarter.compareTo(floor) < 0 ? floor : quarter.compareTo(ceiling) > 0 ? ceiling : quarter;
  }

  /** An eighth of the retention, so state outlives it by at most that, between a second and ten minutes. */
  static Duration sweepInterval(Duration retention) {
    Duration eighth = retention.dividedBy(8);
    Duration floor = Duration.ofSeconds(1);
    Duration ceiling = Duration.ofMinutes(10);
    return eighth.compareTo(floor) < 0 ? floor : eighth.compareTo(ceiling) > 0 ? ceiling : eighth;
  }

  /**
   * Passes the first copy of each (site, id) on to the clean topic, re-keyed by visitor. Remembers
   * each id with its wall-clock arrival time for {@code retention}: copies are retries, which come
   * within minutes; one arriving later than that is counted again.
   */
  private static final class Dedupe implements Processor<String, byte[], String, byte[]> {
    private final Duration retention;
    private final Duration sweepEvery;
    private final Counter duplicates;
    private final Counter unique;
    private final Counter forgotten;
    private final UserAgentEnrichment userAgents;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, Long> seen;

    Dedupe(Duration retention, Duration sweepEvery, Counter duplicates, Counter unique, Counter forgotten,
        UserAgentEnrichment userAgents) {
      this.retention = retention;
      this.sweepEvery = sweepEvery;
      this.duplicates = duplicates;
      this.unique = unique;
      this.forgotten = forgotten;
      this.userAgents = userAgents;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      this.seen = context.getStateStore(SEEN_STORE);
      context.schedule(sweepEvery, PunctuationType.WALL_CLOCK_TIME, this::forgetArrivedBefore);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (seen.get(record.key()) != null) {
        duplicates.increment();
        return;
      }
      Event event = userAgents.classify(EventCodec.decode(record.value()));
      userAgents.countBots(List.of(event));
      seen.put(record.key(), context.currentSystemTimeMs());
      unique.increment();
      context.forward(record.withKey(EventKeys.visitor(event)).withValue(CleanEvent.of(event).toJson()));
    }

    private void forgetArrivedBefore(long now) {
      long bound = now - retention.toMillis();
      List<String> expired = new ArrayList<>();
      try (KeyValueIterator<String, Long> all = seen.all()) {
        all.forEachRemaining(entry -> {
          if (entry.value < bound) {
            expired.add(entry.key);
          }
        });
      }
      expired.forEach(seen::delete);
      forgotten.increment(expired.size());
    }
  }

  /**
   * Adds each counted event to its visitor's timeline and writes the session rows that change, and
   * the pageview rows of the sessions that are over.
   */
  private static final class Sessionise implements Processor<String, byte[], String, Routed> {
    private final long gapMillis;
    private final Duration retention;
    private final Duration visitorRetention;
    private final Duration publishAfterIdle;
    private final Duration sweepEvery;
    private final RowCounters rowCounters;
    private final Counter tooLate;
    private final Counter overLimit;
    private final Counter forgotten;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, byte[]> timelines;
    private KeyValueStore<String, Long> unpublished;

    Sessionise(KafkaSettings settings, Duration sweepEvery, RowCounters rowCounters, Counter tooLate, Counter overLimit, Counter forgotten) {
      this.gapMillis = settings.sessionGapMillis();
      this.retention = settings.stateRetention();
      this.visitorRetention = settings.visitorRetention();
      this.publishAfterIdle = settings.publishAfterIdle();
      this.sweepEvery = sweepEvery;
      this.rowCounters = rowCounters;
      this.tooLate = tooLate;
      this.overLimit = overLimit;
      this.forgotten = forgotten;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
      this.context = context;
      this.timelines = context.getStateStore(TIMELINE_STORE);
      this.unpublished = context.getStateStore(UNPUBLISHED_STORE);
      context.schedule(sweepEvery, PunctuationType.WALL_CLOCK_TIME, this::trimInactive);
      context.schedule(publishInterval(publishAfterIdle), PunctuationType.WALL_CLOCK_TIME, this::publishIdle);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      CleanEvent event = CleanEvent.fromJson(record.value());
      if (event.isBot()) {
        return;
      }
      byte[] stored = timelines.get(record.key());
      VisitorTimeline timeline = stored == null ? VisitorTimeline.empty(event.site(), event.vid()) : VisitorTimeline.fromBytes(stored);
      long now = context.currentSystemTimeMs();
      VisitorTimeline.Change change = timeline.add(VisitorTimeline.Entry.of(event, now), gapMillis);
      switch (change.refusal()) {
        case TOO_LATE -> tooLate.increment();
        case OVER_LIMIT -> overLimit.increment();
        case NONE, HELD -> { }
      }
      if (change.stored()) {
        timeline.arrivedAt(now);
      }
      VisitorTimeline.Trimmed trimmed = timeline.trim(now - retention.toMillis(), gapMillis);
      // an event that changed nothing is not written back: a refused flood (a bot at the limit) stays cheap
      if (change.stored() || trimmed.events() > 0) {
        store(record.key(), timeline);
      }
      for (SessionRow row : change.retracted()) {
        rowCounters.retractions().increment();
        context.forward(record.withValue(new Routed(Destination.SESSIONS, row.toJson())));
      }
      for (SessionRow row : change.added()) {
        rowCounters.sessionRows().increment();
        context.forward(record.withValue(new Routed(Destination.SESSIONS, row.toJson())));
      }
      forwardPageviewRows(record, change.pageviewRows());
      forwardPageviewRows(record, trimmed.published());
    }

    /** Stores the timeline, and lists or unlists its visitor when whether it has sessions to publish changed. */
    private void store(String key, VisitorTimeline timeline) {
      timelines.put(key, timeline.toBytes());
      boolean listed = unpublished.get(key) != null;
      if (timeline.hasUnpublishedSessions() && !listed) {
        unpublished.put(key, timeline.lastArrival());
      } else if (!timeline.hasUnpublishedSessions() && listed) {
        unpublished.delete(key);
      }
    }

    private void forwardPageviewRows(Record<String, ?> visitor, List<SessionPageviewRow> rows) {
      for (SessionPageviewRow row : rows) {
        (row.sign() > 0 ? rowCounters.pageviewRows() : rowCounters.pageviewRetractions()).increment();
        context.forward(visitor.withValue(new Routed(Destination.PAGEVIEWS, row.toJson())));
      }
    }

    /**
     * Publishes the sessions of visitors without an arrival for {@code publishAfterIdle}: reads the
     * visitors with sessions to publish (not every stored timeline), at most
     * {@link #MAX_PUBLISHED_PER_SWEEP} of them a sweep.
     */
    private void publishIdle(long now) {
      long idleBefore = now - publishAfterIdle.toMillis();
      List<String> idle = new ArrayList<>();
      try (KeyValueIterator<String, Long> all = unpublished.all()) {
        while (all.hasNext() && idle.size() < MAX_PUBLISHED_PER_SWEEP) {
          String key = all.next().key;
          byte[] stored = timelines.get(key);
          if (stored == null) {
            unpublished.delete(key);
          } else if (VisitorTimeline.lastArrival(stored) < idleBefore) {
            idle.add(key);
          }
        }
      }
      int rows = 0;
      for (String key : idle) {
        if (rows >= MAX_ROWS_PER_SWEEP) {
          break;
        }
        VisitorTimeline timeline = VisitorTimeline.fromBytes(timelines.get(key));
        List<SessionPageviewRow> published = timeline.publishAll(gapMillis);
        store(key, timeline);
        forwardPageviewRows(new Record<>(key, null, now), published);
        rows += published.size();
      }
    }

    /**
     * Trims the timelines of visitors without an arrival for {@code retention} to their stub (publishing
     * what was not published yet), and deletes those without one for {@code visitorRetention}; reads
     * only the arrival time of the others.
     */
    private void trimInactive(long now) {
      long trimBefore = now - retention.toMillis();
      long forgetBefore = now - visitorRetention.toMillis();
      List<String> forget = new ArrayList<>();
      List<String> trim = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> all = timelines.all()) {
        all.forEachRemaining(entry -> {
          long arrival = VisitorTimeline.lastArrival(entry.value);
          boolean held = VisitorTimeline.heldEvents(entry.value) > 0;
          if (arrival < forgetBefore) {
            forget.add(entry.key);
          }
          // a visitor about to be forgotten is trimmed first, so its sessions' rows are written (a visitor
          // retention shorter than the state retention)
          if ((arrival < trimBefore || arrival < forgetBefore) && held) {
            trim.add(entry.key);
          } else if (VisitorTimeline.hasUnpublishedSessions(entry.value) && unpublished.get(entry.key) == null) {
            // a timeline stored before the idle sweep's list existed (format 2): listed now
            unpublished.put(entry.key, arrival);
          }
        });
      }
      forgotten.increment(forget.size());
      for (String key : trim) {
        VisitorTimeline timeline = VisitorTimeline.fromBytes(timelines.get(key));
        List<SessionPageviewRow> published = timeline.trim(Long.MAX_VALUE, gapMillis).published();
        store(key, timeline);
        forwardPageviewRows(new Record<>(key, null, now), published);
      }
      forget.forEach(key -> {
        timelines.delete(key);
        unpublished.delete(key);
      });
    }
  }

  /** Whether the processor runs (or is rebalancing towards running) rather than failed or stopped. */
  public boolean isRunning() {
    return streams.state().isRunningOrRebalancing();
  }

  /** At most 10 s: what is not committed by then is aborted and processed again by the next owner, exactly once. */
  @Override
  public void close() {
    streamsMetrics.close();
    streams.close(Duration.ofSeconds(10));
  }
}
