package com.clozette.analytics.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How far readers of the topics are behind, in records. Blocking: call it off the event loop.
 */
public final class ReadProgress {
  private ReadProgress() {}

  /**
   * How far a reader of one topic is: the records it has not read ({@code -1}: cannot be told), and
   * the end offsets they were counted against, per partition.
   */
  public record Backlog(long records, Map<Integer, Long> end) {
    public static final Backlog UNKNOWN = new Backlog(-1, Map.of());

  }

  /**
   * The records of {@code topic} the consumer group has not committed yet, and its committed offsets
   * (the stream processor's group on the raw events topic, written without transactions, so offsets
   * count records).
   */
  public static GroupProgress consumerGroup(String bootstrap, String group, String topic, Duration timeout) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(props)) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic).partitions().stream().map(info -> new TopicPartition(topic, info.partition())).toList();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
      long lag = 0;
      Map<Integer, Long> end = new HashMap<>();
      Map<Integer, Long> next = new HashMap<>();
      for (var partition : admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).entrySet()) {
        OffsetAndMetadata at = committed.get(partition.getKey());
        long read = at == null ? 0 : at.offset();
        lag += partition.getValue().offset() - read;
        end.put(partition.getKey().partition(), partition.getValue().offset());
        next.put(partition.getKey().partition(), read);
      }
      return new GroupProgress(new Backlog(lag, Map.copyOf(end)), Map.copyOf(next));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the progress of " + group + " on " + topic + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A consumer group's backlog on a topic and the offsets it reads next. */
  public record GroupProgress(Backlog backlog, Map<Integer, Long> next) {
    /** Whether the group has read everything up to {@code earlierEnd} (a topic without transactions). */
    public boolean hasRead(Map<Integer, Long> earlierEnd) {
      return !earlierEnd.isEmpty()
          && earlierEnd.entrySet().stream().allMatch(partition -> next.getOrDefault(partition.getKey(), -1L) >= partition.getValue());
    }
  }

  /**
   * Counts the committed records of a topic from given offsets up to the current end, as a
   * {@code read_committed} consumer (Druid's) sees them: transaction markers and aborted records are
   * not records. How a reader of a topic written in transactions tells whether it has caught up,
   * where offsets alone cannot: the last offset of such a partition is a marker no consumer ever
   * receives. {@code from} maps each partition to the next offset the reader reads; {@code until},
   * if not null, to an end of an earlier count (what was in the topic then). Counts at most
   * {@code cap} records; {@link Backlog#UNKNOWN} when the end was not reached within {@code timeout}
   * or an offset is no longer in the topic.
   */
  public static Backlog committedRecordsFrom(String bootstrap, String topic, Map<Integer, Long> from, Map<Integer, Long> until, long cap,
      Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "clozette-ingestion-check");
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = from.keySet().stream().map(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      partitions.forEach(partition -> consumer.seek(partition, from.get(partition.partition())));
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
      if (until != null) {
        end.replaceAll((partition, offset) -> Math.min(offset, until.getOrDefault(partition.partition(), offset)));
      }
      Map<Integer, Long> endByPartition = new HashMap<>();
      end.forEach((partition, offset) -> endByPartition.put(partition.partition(), offset));
      long deadline = System.nanoTime() + timeout.toNanos();
      long counted = 0;
      while (counted < cap && !reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          return Backlog.UNKNOWN;
        }
        counted += consumer.poll(Duration.ofMillis(100)).count();
      }
      return new Backlog(Math.min(counted, cap), Map.copyOf(endByPartition));
    } catch (KafkaException outOfRangeOrUnreachable) {
      return Backlog.UNKNOWN;
    }
  }

  private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
      if (consumer.position(partition.getKey()) < partition.getValue()) {
        return false;
      }
    }
    return true;
  }
}
