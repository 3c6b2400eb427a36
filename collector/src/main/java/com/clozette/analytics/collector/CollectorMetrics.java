package com.clozette.analytics.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The collector's counters, all tagged {@code source=collector}: events appended to the sink, and
 * every event or request refused, dropped or left unacknowledged, by reason. Counters are looked up
 * once per reason, not once per request: this runs thousands of times a second.
 *
 * <p>Reasons come from a fixed set, registered up front: a reason outside it is counted as
 * {@code other}, so no value a client can influence ever becomes a new series in /metrics.
 */
public final class CollectorMetrics {
  private final Counter appended;
  private final Counter unacknowledged;
  /** Every reason a request or event is refused for: the collector's own and the event validation's. */
  static final Set<String> REJECTION_REASONS = Set.of(
      // the request
      "url_too_long", "headers_too_large", "malformed_request", "origin_not_allowed", "unsupported_media_type",
      "client_closed", "body_too_large", "malformed_body", "empty_body", "invalid_utf8", "malformed_json",
      "not_an_object", "invalid_batch", "empty_batch", "too_many_events", "malformed_query",
      // an event
      "missing_site", "invalid_site", "unknown_site", "missing_id", "invalid_id", "missing_type", "invalid_type",
      "missing_vid", "invalid_vid", "invalid_url", "missing_url", "invalid_name", "missing_name", "invalid_platform",
      "invalid_ref", "invalid_ua", "missing_ts", "invalid_ts", "invalid_props", "invalid_created", "invalid_sent",
      "missing_sent");
  static final Set<String> DROP_REASONS = Set.of("do_not_track");
  static final String OTHER = "other";

  private final Map<String, Counter> rejected;
  private final Map<String, Counter> dropped;

  public CollectorMetrics(MeterRegistry registry) {
    this.appended = registry.counter("analytics.events.appended", "source", "collector");
    this.unacknowledged = registry.counter("analytics.events.unacknowledged", "source", "collector");
    this.rejected = counters(registry, "analytics.events.rejected", REJECTION_REASONS);
    this.dropped = counters(registry, "analytics.events.dropped", DROP_REASONS);
  }

  private static Map<String, Counter> counters(MeterRegistry registry, String name, Set<String> reasons) {
    return Stream.concat(reasons.stream(), Stream.of(OTHER))
        .collect(Collectors.toUnmodifiableMap(Function.identity(),
            reason -> registry.counter(name, "source", "collector", "reason", reason)));
  }

  /** Events the sink has acknowledged. */
  public void appended(int events) {
    appended.increment(events);
  }

  /** Events the sink failed to take: the client got a 503 and may retry. */
  public void unacknowledged(int events) {
    unacknowledged.increment(events);
  }

  /** One event or request refused with a 4xx; {@code reason} is a short stable code of {@link #REJECTION_REASONS}. */
  public void rejected(String reason) {
    rejected.getOrDefault(reason, rejected.get(OTHER)).increment();
  }

  /** One valid event deliberately not stored, e.g. for Do Not Track; the client still sees success. */
  public void dropped(String reason) {
    dropped.getOrDefault(reason, dropped.get(OTHER)).increment();
  }
}
