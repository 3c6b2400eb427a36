package com.clozette.analytics.scale;

import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.kafka.KafkaSettings;
import com.clozette.analytics.kafka.StreamProcessor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The stream processor alone in a JVM of its own, so that a test can kill it with SIGKILL:
 * {@code java ... StreamProcessorChild BOOTSTRAP APPLICATION_ID STATE_DIR}. Runs until killed.
 */
public final class StreamProcessorChild {
  static final String EVENTS = "events";
  static final String CLEAN = "events-clean";
  static final String SESSIONS = "sessions";
  static final String PAGEVIEWS = "session-pageviews";
  /** A second, so that the last sessions' pageview rows are written soon after the events stop. */
  static final Duration PUBLISH_AFTER_IDLE = Duration.ofSeconds(1);
  static final int PARTITIONS = 3;

  private StreamProcessorChild() {}

  /** The settings of the restart tests: the system's defaults, with their own topics, retention and a short idle time. */
  static KafkaSettings settings(String bootstrap, String applicationId, Path stateDir, String topicPrefix, Duration retention) {
    return new KafkaSettings(bootstrap, topicPrefix + EVENTS, topicPrefix + CLEAN, topicPrefix + SESSIONS, topicPrefix + PAGEVIEWS,
        PARTITIONS, (short) 1, applicationId, stateDir, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(30).toMillis(),
        PUBLISH_AFTER_IDLE, retention, Duration.ofDays(400));
  }

  public static void main(String[] args) throws InterruptedException {
    StreamProcessor.start(settings(args[0], args[1], Path.of(args[2]), "", Duration.ofDays(8)), new UserAgentClassifier(1_000), new SimpleMeterRegistry());
    System.out.println("stream processor started");
    Thread.currentThread().join();
  }
}
