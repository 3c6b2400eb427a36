package com.clozette.analytics.collector.sink;

import com.clozette.analytics.event.Event;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where accepted events go: the local durable event log on one machine, Kafka at scale. The
 * collector acknowledges a beacon (204 or the GIF) only when the future of its events succeeds.
 */
public interface EventSink {
  /**
   * Hands the events over. The future succeeds only once the sink has them, so that an acknowledged
   * event is never lost; it fails if the sink cannot take them, and then some, all or none of them
   * may have been taken (the store de-duplicates a retry by event id).
   */
  Future<Void> store(List<Event> events);
}
