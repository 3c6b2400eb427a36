package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.log.LogPosition;
import java.util.List;
import java.util.Optional;

/**
 * The write side of the store: events in, sessions kept up to date. Calls block (they do disk
 * work) and are serialised by the implementation; never call them on an event loop.
 */
public interface EventStore {
  /**
   * Stores the events that are not stored yet (by {@code (site, id)}), re-sessionises the visitors
   * they touch, and, when {@code loadedUpTo} is given, records it as the loader's position in the
   * same transaction: either all of it is visible afterwards, or none of it.
   */
  IngestResult insert(List<Event> events, LogPosition loadedUpTo);

  /** Called after each commit that changed stored data, with the changed time span per site. */
  void addChangeListener(java.util.function.Consumer<com.clozette.analytics.aggregator.report.DataChange> listener);

  /** The event-log position up to which events are stored, if the loader ever stored any. */
  Optional<LogPosition> loadedPosition();
}
