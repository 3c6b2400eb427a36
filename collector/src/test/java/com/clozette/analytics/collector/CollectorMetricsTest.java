package com.clozette.analytics.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Rejection and drop reasons are a fixed set: nothing outside it becomes a series of its own. */
class CollectorMetricsTest {
  @Test
  void aReasonOutsideTheFixedSetIsCountedAsOther() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CollectorMetrics metrics = new CollectorMetrics(registry);
    int series = registry.getMeters().size();

    metrics.rejected("unknown_site");
    metrics.rejected("made_up_reason_1");
    metrics.rejected("made_up_reason_2");
    metrics.dropped("made_up_reason_3");

    assertEquals(series, registry.getMeters().size());
    assertNull(registry.find("analytics.events.rejected").tag("reason", "made_up_reason_1").counter());
    assertEquals(1, registry.get("analytics.events.rejected").tag("reason", "unknown_site").counter().count());
    assertEquals(2, registry.get("analytics.events.rejected").tag("reason", "other").counter().count());
    assertEquals(1, registry.get("analytics.events.dropped").tag("reason", "other").counter().count());
  }
}
