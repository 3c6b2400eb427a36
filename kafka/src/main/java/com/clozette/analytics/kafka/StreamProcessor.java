package com.clozette.analytics.kafka;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
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
 * </pre>
 *
 * Both stores are in memory and backed by changelog topics, and processing is
 * {@code exactly_once_v2}: records written, store changes and input offsets commit in one Kafka
 * transaction, so after a crash or restart the stores are restored from their changelogs and no
 * input is counted twice or lost. Druid reads the output topics with {@code read_committed}.
 * Instances of this processor with the same application id share the partitions (a consumer group).
 */
public final class StreamProcessor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamProcessor.class);
  static final String SEEN_STORE = "seen-events";
  static final String TIMELINE_STORE = "visitor-timelines";

  private final KafkaStreams streams;

  private StreamProcessor(KafkaStreams streams) {
    this.streams = streams;
  }

  /** Starts processing; returns at once, the streams threads join the group in the background. */
  public static StreamProcessor start(KafkaSettings settings, MeterRegistry metrics) {
    KafkaStreams streams = new KafkaStreams(topology(settings, metrics), properties(settings));
    streams.setUncaughtExceptionHandler(failure -> {
      LOG.error("stream processing failed; replacing the thread (its work restarts from the last commit)", failure);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    return new StreamProcessor(streams);
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
    return props;
  }

  static Topology topology(KafkaSettings settings, MeterRegistry metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SEEN_STORE), Serdes.String(), Serdes.Long()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TIMELINE_STORE), Serdes.String(), Serdes.ByteArray()));

    Counter duplicates = metrics.counter("analytics.stream.events", "outcome", "duplicate");
    Counter unique = metrics.counter("analytics.stream.events", "outcome", "unique");
    Counter sessionRows = metrics.counter("analytics.stream.session.rows");
    Counter retractions = metrics.counter("analytics.stream.session.retractions");

    builder.stream(settings.eventsTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .selectKey((visitorKey, value) -> {
          Event event = EventCodec.decode(value);
          return EventKeys.event(event.site(), event.id());
        })
        .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("by-event").withNumberOfPartitions(settings.partitions()))
        .process(() -> new Dedupe(duplicates, unique), SEEN_STORE)
        .to(settings.cleanTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()));

    builder.stream(settings.cleanTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(() -> new Sessionise(settings.sessionGapMillis(), sessionRows, retractions), TIMELINE_STORE)
        .to(settings.sessionsTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()));
    return builder.build();
  }

  /** Passes the first copy of each (site, id) on to the clean topic, re-keyed by visitor. */
  private static final class Dedupe implements Processor<String, byte[], String, byte[]> {
    private final Counter duplicates;
    private final Counter unique;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, Long> seen;

    Dedupe(Counter duplicates, Counter unique) {
      this.duplicates = duplicates;
      this.unique = unique;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      this.seen = context.getStateStore(SEEN_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (seen.get(record.key()) != null) {
        duplicates.increment();
        return;
      }
      Event event = EventCodec.decode(record.value());
      seen.put(record.key(), event.ts());
      unique.increment();
      context.forward(record.withKey(EventKeys.visitor(event)).withValue(CleanEvent.of(event).toJson()));
    }
  }

  /** Adds each counted event to its visitor's timeline and writes the session rows that change. */
  private static final class Sessionise implements Processor<String, byte[], String, byte[]> {
    private final long gapMillis;
    private final Counter sessionRows;
    private final Counter retractions;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> timelines;

    Sessionise(long gapMillis, Counter sessionRows, Counter retractions) {
      this.gapMillis = gapMillis;
      this.sessionRows = sessionRows;
      this.retractions = retractions;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      this.timelines = context.getStateStore(TIMELINE_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      CleanEvent event = CleanEvent.fromJson(record.value());
      if (event.isBot()) {
        return;
      }
      byte[] stored = timelines.get(record.key());
      VisitorTimeline timeline = stored == null ? VisitorTimeline.empty(event.site(), event.vid()) : VisitorTimeline.fromBytes(stored);
      VisitorTimeline.Change change = timeline.add(VisitorTimeline.Entry.of(event), gapMillis);
      timelines.put(record.key(), timeline.toBytes());
      for (SessionRow row : change.retracted()) {
        retractions.increment();
        context.forward(record.withValue(row.toJson()));
      }
      for (SessionRow row : change.added()) {
        sessionRows.increment();
        context.forward(record.withValue(row.toJson()));
      }
    }
  }

  /** Whether the processor runs (or is rebalancing towards running) rather than failed or stopped. */
  public boolean isRunning() {
    return streams.state().isRunningOrRebalancing();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
