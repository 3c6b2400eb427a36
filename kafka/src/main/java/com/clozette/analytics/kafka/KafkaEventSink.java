package com.clozette.analytics.kafka;

import com.clozette.analytics.collector.sink.EventSink;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The collector's sink at scale: each event becomes one record of the events topic, keyed by site and
 * visitor so that a visitor's events stay in one partition, valued by {@link EventCodec#encode}.
 *
 * <p>Acknowledgement: the producer is idempotent with {@code acks=all}, and the future succeeds only
 * when every record of the batch was acknowledged by all in-sync replicas. When Kafka is unreachable
 * the sink fails fast instead of spooling: {@code max.block.ms} bounds the wait for metadata or
 * buffer space and {@code delivery.timeout.ms} the wait for the acknowledgement, so the collector
 * answers 503 within seconds and the client (the tracker retries) sends again; nothing is
 * acknowledged that Kafka does not hold. A retried batch may duplicate records that did reach Kafka
 * before the failure; the stream processor drops those copies by {@code (site, id)}.
 *
 * <p>Once a send failed, Kafka is taken to be away: further events are refused at once (counted in
 * {@code analytics.kafka.sink.refused}), those already queued included, instead of each holding its
 * connection for the delivery timeout, except one probe batch a second, whose acknowledgement takes
 * the sink back into service.
 */
public final class KafkaEventSink implements EventSink, AutoCloseable {
  private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;
  private final Vertx vertx;
  private final String topic;
  private final Producer<String, byte[]> producer;
  private final Breaker breaker = new Breaker();
  private final Counter refused;
  private final KafkaClientMetrics producerMetrics;
  // send() blocks for up to max.block.ms while metadata is missing (Kafka down, first use), so it
  // never runs on an event loop: one thread is enough, as send() otherwise only appends to a buffer.
  private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "kafka-event-sink");
    thread.setDaemon(true);
    return thread;
  });

  public KafkaEventSink(Vertx vertx, KafkaSettings settings, String clientId, MeterRegistry metrics) {
    this.vertx = vertx;
    this.refused = metrics.counter("analytics.kafka.sink.refused");
    this.topic = settings.eventsTopic();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) settings.sendTimeout().toMillis());
    // delivery.timeout.ms must be at least linger.ms + request.timeout.ms
    int delivery = (int) settings.deliveryTimeout().toMillis();
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, delivery - 500));
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(metrics);
  }

  @Override
  public Future<Void> store(List<Event> events) {
    return Future.fromCompletionStage(send(events), vertx.getOrCreateContext());
  }

  /**
   * Sends the events; the stage completes once Kafka acknowledged all of them, or fails with the
   * first failure. It completes on a Kafka client thread, so callers that block on it (the importer,
   * on a worker) do not need an event loop.
   */
  public CompletableFuture<Void> send(List<Event> events) {
    if (events.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Admission admission = breaker.admit(System.nanoTime());
    if (admission == Admission.REFUSE) {
      return refuse(events);
    }
    CompletableFuture<Void> all = new CompletableFuture<>();
    try {
      sender.execute(() -> {
        // queued before Kafka was found away: refused like those queued after, not sent to wait
        if (admission == Admission.PASS && breaker.isOpen()) {
          refuse(events).whenComplete((done, failure) -> all.completeExceptionally(failure));
          return;
        }
        long sentAt = System.nanoTime();
        CompletableFuture<?>[] acks = new CompletableFuture<?>[events.size()];
        for (int i = 0; i < events.size(); i++) {
          Event event = events.get(i);
          CompletableFuture<Void> ack = new CompletableFuture<>();
          acks[i] = ack;
          try {
            producer.send(new ProducerRecord<>(topic, EventKeys.visitor(event), EventCodec.encode(event)), (metadata, failure) -> {
              if (failure == null) {
                ack.complete(null);
              } else {
                ack.completeExceptionally(failure);
              }
            });
          } catch (RuntimeException e) {
            // Kafka unreachable (metadata wait timed out) or closed: the next sends would each wait
            // max.block.ms again, so the rest of the batch fails with the same cause at once.
            for (int j = i; j < events.size(); j++) {
              CompletableFuture<Void> failed = j == i ? ack : new CompletableFuture<>();
              failed.completeExceptionally(e);
              acks[j] = failed;
            }
            break;
          }
        }
        CompletableFuture.allOf(acks).whenComplete((done, failure) -> {
          breaker.record(sentAt, failure != null);
          if (failure == null) {
            all.complete(null);
          } else {
            all.completeExceptionally(failure);
          }
        });
      });
    } catch (RejectedExecutionException closed) {
      all.completeExceptionally(new IllegalStateException("the Kafka sink is closed", closed));
    }
    return all;
  }

  private CompletableFuture<Void> refuse(List<Event> events) {
    refused.increment(events.size());
    return CompletableFuture.failedFuture(new IllegalStateException("Kafka did not acknowledge the last events sent; refusing until it does"));
  }

  private enum Admission { PASS, PROBE, REFUSE }

  /**
   * Whether Kafka is taken to be away, as the most recently sent batch that completed showed: a batch
   * sent earlier and completing later (a failure from before Kafka came back, a success from before
   * it left) does not overturn what a newer one showed.
   */
  private static final class Breaker {
    private boolean open;
    private boolean decided;
    private long decidedBySentAt;
    private long nextProbe;
    private boolean probing;

    /** Always while closed; while open, one probe batch a second and never two at once, the rest refused. */
    synchronized Admission admit(long now) {
      if (!open) {
        return Admission.PASS;
      }
      if (!probing && now - nextProbe >= 0) {
        nextProbe = now + PROBE_INTERVAL_NANOS;
        probing = true;
        return Admission.PROBE;
      }
      return Admission.REFUSE;
    }

    synchronized boolean isOpen() {
      return open;
    }

    synchronized void record(long sentAt, boolean failed) {
      probing = false;
      if (decided && sentAt - decidedBySentAt < 0) {
        return;
      }
      decided = true;
      decidedBySentAt = sentAt;
      if (failed && !open) {
        nextProbe = System.nanoTime() + PROBE_INTERVAL_NANOS;
      }
      open = failed;
    }
  }

  @Override
  public void close() {
    producerMetrics.close();
    sender.shutdown();
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
