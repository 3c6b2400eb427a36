package com.clozette.analytics.aggregator.store;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The keys of the events that arrived within the de-duplication window: a copy of an event (same
 * site and id) that arrives within the window after the first is dropped; a later one is stored
 * again. Held in generations, each an {@link EventKeySet} of one eighth of the window's arrivals; a
 * generation is dropped whole once all of it is older than the window, so memory follows the
 * traffic of the last window rather than every event ever stored. Not thread-safe: the store's
 * single writer owns it.
 */
final class RecentEventKeys {
  private static final int GENERATIONS = 8;

  private final long sliceMillis;
  private final long windowMillis;
  /** Oldest first; each holds the keys that arrived in [start, start + slice). */
  private final ArrayDeque<Generation> generations = new ArrayDeque<>();

  private record Generation(long start, EventKeySet keys) {}

  RecentEventKeys(long windowMillis) {
    this.windowMillis = windowMillis;
    this.sliceMillis = Math.max(1, windowMillis / GENERATIONS);
  }

  boolean contains(Key128 key) {
    for (Generation generation : generations) {
      if (generation.keys.contains(key)) {
        return true;
      }
    }
    return false;
  }

  /** Remembers a key that arrived at this time; arrival times come in (roughly) increasing order. */
  void add(Key128 key, long arrivedMillis) {
    long start = arrivedMillis - Math.floorMod(arrivedMillis, sliceMillis);
    Generation newest = generations.peekLast();
    if (newest == null || newest.start < start) {
      newest = new Generation(start, new EventKeySet());
      generations.addLast(newest);
    } else if (newest.start > start) {
      // Arrived earlier than the newest generation (a clock step back, or keys loaded out of order):
      // kept in the oldest generation that is not older than it, so it is not forgotten too soon.
      newest = generationFor(start);
    }
    newest.keys.add(key);
  }

  /** Forgets the generations whose every key arrived before {@code now - window}. */
  void expire(long nowMillis) {
    while (!generations.isEmpty() && generations.peekFirst().start + sliceMillis <= nowMillis - windowMillis) {
      generations.removeFirst();
    }
  }

  long size() {
    long size = 0;
    for (Generation generation : generations) {
      size += generation.keys.size();
    }
    return size;
  }

  private Generation generationFor(long start) {
    Iterator<Generation> newestFirst = generations.descendingIterator();
    Generation candidate = null;
    while (newestFirst.hasNext()) {
      Generation generation = newestFirst.next();
      if (generation.start < start) {
        break;
      }
      candidate = generation;
    }
    return candidate;
  }
}
