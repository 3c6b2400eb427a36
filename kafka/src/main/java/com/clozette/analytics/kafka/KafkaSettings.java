package com.clozette.analytics.kafka;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the scale-out event path lives in Kafka, and how long the collector may wait for it.
 *
 * @param bootstrap bootstrap servers, comma-separated host:port
 * @param eventsTopic raw events from the collectors and imports, keyed by site and visitor
 * @param cleanTopic de-duplicated events, one JSON row each, that Druid ingests and the sessioniser reads
 * @param sessionsTopic session rows with a sign (collapsing), that Druid ingests
 * @param pageviewsTopic session pageview rows with a sign: each counted pageview with its session's
 *     attributes, written once the session is over (Druid ingests them for the query API's filters)
 * @param partitions partitions of the topics this system creates; the stream processor scales up to this many instances
 * @param replication replication factor of those topics
 * @param applicationId Kafka Streams application id: the consumer group and prefix of its internal topics
 * @param stateDir where Kafka Streams keeps its checkpoint and lock files (stores are in memory)
 * @param sendTimeout the longest the sink waits for a broker before failing a beacon (max.block.ms)
 * @param deliveryTimeout the longest a record may wait for its acknowledgement, retries included (delivery.timeout.ms)
 * @param sessionGapMillis a gap of more than this between two events of a visitor starts a new session
 * @param publishAfterIdle a visitor without an arrival for this long has its sessions' pageview rows
 *     written, the last session too (sessions followed by a newer one are written at once)
 * @param stateRetention how long after their arrival the stream processor remembers an event id (a copy
 *     arriving later is counted again) and keeps the sessions of a visitor's events (an event that
 *     would belong with sessions it dropped is counted, but no longer changes sessions)
 * @param visitorRetention how long after a visitor's last arrival the processor forgets them
 *     altogether (seen again, they are a new visitor)
 */
public record KafkaSettings(
    String bootstrap,
    String eventsTopic,
    String cleanTopic,
    String sessionsTopic,
    String pageviewsTopic,
    int partitions,
    short replication,
    String applicationId,
    Path stateDir,
    Duration sendTimeout,
    Duration deliveryTimeout,
    long sessionGapMillis,
    Duration publishAfterIdle,
    Duration stateRetention,
    Duration visitorRetention) {}
