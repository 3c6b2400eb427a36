package com.clozette.analytics.aggregator.store;

import java.util.Map;
import java.util.TreeMap;

/**
 * The keys of the stored events whose event time is within the de-duplication window of now: what a
 * client's retry (same site, id and time, minutes later) is recognised by without reading the store.
 * An event older than the window (history, from an import) is not held: its copy is looked up in the
 * store instead, so memory follows the live traffic of the window, not the size of an import. Held in
 * generations by event time, each an {@link EventKeySet} of one eighth of the window; a generation is
 * dropped whole once all its event times are older than the window. Not thread-safe: the store's
 * single writer owns it.
 */
final class RecentEventKeys {
  private static final int GENERATIONS = 8;

  private final long sliceMillis;
  private final long windowMillis;
  /** By the start of their slice of event time: each holds the keys of events with ts in [start, start + slice). */
  private final TreeMap<Long, EventKeySet> generations = new TreeMap<>();

  RecentEventKeys(long windowMillis) {
    this.windowMillis = windowMillis;
    this.sliceMillis = Math.max(1, windowMillis / GENERATIONS);
  }

  /** The oldest event time held at this time: an event older than this is checked against the store. */
  long heldFrom(long nowMillis) {
    return nowMillis - windowMillis;
  }

  boolean contains(Key128 key) {
    for (EventKeySet generation : generations.values()) {
      if (generation.contains(key)) {
        return true;
      }
    }
    return false;
  }

  /** Remembers the key of a stored event with this event time (at or after {@link #heldFrom}). */
  void add(Key128 key, long eventMillis) {
    long start = eventMillis - Math.floorMod(eventMillis, sliceMillis);
    generations.computeIfAbsent(start, s -> new EventKeySet()).add(key);
  }

  /** Forgets the generations whose every event time is before {@code now - window}. */
  void expire(long nowMillis) {
    Map.Entry<Long, EventKeySet> oldest = generations.firstEntry();
    while (oldest != null && oldest.getKey() + sliceMillis <= heldFrom(nowMillis)) {
      generations.pollFirstEntry();
      oldest = generations.firstEntry();
    }
  }

  long size() {
    long size = 0;
    for (EventKeySet generation : generations.values()) {
      size += generation.size();
    }
    return size;
  }
}
