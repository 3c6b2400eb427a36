package com.clozette.analytics.aggregator.report;

import java.time.Instant;

/**
 * A question whose answer the report cache keeps (records: equal questions are equal keys) until
 * events land where it reads: its site, and the event times its answer depends on, by default its
 * range [from, to).
 */
public interface Cacheable {
  String site();

  Instant from();

  Instant to();

  /** The earliest event time the answer depends on. */
  default Instant readsFrom() {
    return from();
  }

  /** The end (exclusive) of the event times the answer depends on. */
  default Instant readsTo() {
    return to();
  }
}
