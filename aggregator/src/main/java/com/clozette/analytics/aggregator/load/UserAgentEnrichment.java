package com.clozette.analytics.aggregator.load;

import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.Event;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * What happens to an event's user agent where events enter a store (the loader, the importer, the
 * stream processor): it is classified, replacing whatever an older collector said (the rule is this
 * one's now; the collector stores the user agent raw), and the bots among the stored events are
 * counted in {@code analytics_events_bots_total{source, bot_source}}.
 */
public final class UserAgentEnrichment {
  private final UserAgentClassifier userAgents;
  private final MeterRegistry metrics;
  private final String source;

  /** @param source where events enter: {@code loader}, {@code import} or {@code stream} */
  public UserAgentEnrichment(UserAgentClassifier userAgents, MeterRegistry metrics, String source) {
    this.userAgents = userAgents;
    this.metrics = metrics;
    this.source = source;
  }

  public Event classify(Event event) {
    return event.withUserAgent(userAgents.classify(event.ua()));
  }

  /** Counts the bots among events once they are stored (not before: a failed batch is retried). */
  public void countBots(List<Event> stored) {
    for (Event event : stored) {
      if (event.bot()) {
        metrics.counter("analytics.events.bots", "source", source, "bot_source", event.botSource()).increment();
      }
    }
  }
}
