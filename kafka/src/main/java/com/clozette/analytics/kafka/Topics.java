package com.clozette.analytics.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the four topics of the event path when they are missing, with the configured partitions:
 * relying on broker auto-creation would give them the broker's default partition count, which caps
 * how many stream processor instances can share the work.
 */
public final class Topics {
  private Topics() {}

  /** Blocking: call it off the event loop. Fails when Kafka does not answer within the timeout. */
  public static void ensure(KafkaSettings settings, long timeoutMillis) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMillis);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMillis, 10_000));
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(timeoutMillis, TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : List.of(settings.eventsTopic(), settings.cleanTopic(), settings.sessionsTopic(), settings.pageviewsTopic())) {
        if (!existing.contains(topic)) {
          missing.add(new NewTopic(topic, settings.partitions(), settings.replication())
              .configs(Map.of("min.insync.replicas", Integer.toString(Math.max(1, settings.replication() - 1)))));
        }
      }
      for (var created : admin.createTopics(missing).values().entrySet()) {
        try {
          created.getValue().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          // another instance created it between our listing and our request: what we wanted
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot reach Kafka at " + settings.bootstrap() + " to create topics: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
