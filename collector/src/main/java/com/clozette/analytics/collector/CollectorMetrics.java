package com.clozette.analytics.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The collector's counters, all tagged {@code source=collector}: events appended to the sink, and
 * every event or request refused, dropped or left unacknowledged, by reason. Counters are looked up
 * once per reason, not once per request: this runs thousands of times a second.
 */
public final class CollectorMetrics {
  private final MeterRegistry registry;
  private final Counter appended;
  private final Counter unacknowledged;
  private final ConcurrentMap<String, Counter> rejected = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> dropped = new ConcurrentHashMap<>();

  public CollectorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.appended = registry.counter("analytics.events.appended", "source", "collector");
    this.unacknowledged = registry.counter("analytics.events.unacknowledged", "source", "collector");
  }

  /** Events the sink has acknowledged. */
  public void appended(int events) {
    appended.increment(events);
  }

  /** Events the sink failed to take: the client got a 503 and may retry. */
  public void unacknowledged(int events) {
    unacknowledged.increment(events);
  }

  /** One event or request refused with a 4xx; {@code reason} is a short stable code. */
  public void rejected(String reason) {
    rejected.computeIfAbsent(reason, r -> registry.counter("analytics.events.rejected", "source", "collector", "reason", r)).increment();
  }

  /** One valid event deliberately not stored, e.g. for Do Not Track; the client still sees success. */
  public void dropped(String reason) {
    dropped.computeIfAbsent(reason, r -> registry.counter("analytics.events.dropped", "source", "collector", "reason", r)).increment();
  }
}
