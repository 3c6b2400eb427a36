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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How far readers of the topics are behind, in records. Blocking: call it off the event loop.
 */
public final class ReadProgress {
  private ReadProgress() {}

  /**
   * The records of {@code topic} the consumer group has not committed yet (the stream processor's
   * group on the raw events topic, which is written without transactions, so offsets count records).
   */
  public static long consumerGroupLag(String bootstrap, String group, String topic, Duration timeout) {
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
      for (var end : admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).entrySet()) {
        OffsetAndMetadata at = committed.get(end.getKey());
        lag += end.getValue().offset() - (at == null ? 0 : at.offset());
      }
      return lag;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the progress of " + group + " on " + topic + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Counts the committed records of a topic at or after given offsets, as a {@code read_committed}
   * consumer (Druid's) sees them: transaction markers and aborted records are not records. How a
   * reader of a topic written in transactions tells whether it has caught up, where offsets alone
   * cannot: the last offset of such a partition is a marker no consumer ever receives. Counts from
   * {@code from} (partition to the next offset the reader reads) to the current end, at most
   * {@code cap} records and for at most {@code timeout}; a count below the cap is exact.
   */
  public static long committedRecordsFrom(String bootstrap, String topic, Map<Integer, Long> from, long cap, Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "clozette-ingestion-check");
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = from.keySet().stream().map(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      partitions.forEach(partition -> consumer.seek(partition, from.get(partition.partition())));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      long counted = 0;
      while (counted < cap && System.nanoTime() < deadline && !reached(consumer, end)) {
        counted += consumer.poll(Duration.ofMillis(100)).count();
      }
      return Math.min(counted, cap);
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
