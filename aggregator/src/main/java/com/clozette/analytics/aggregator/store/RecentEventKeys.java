package com.clozette.analytics.aggregator.store;

import java.util.Map;
import java.util.TreeMap;

/**
 * The keys of the events a client may still send again, held in memory: those that were recent when
 * they were stored (event time within the de-duplication window of their arrival, as every beacon
 * is), each until a window after it arrived. A copy of one of them (a retry, or an app's resend of an
 * event it held offline, whose time the collector moves) is recognised without reading the store. An
 * event that was already older than the window when stored (history, from an import) is not held:
 * its copy is looked up in the store instead, so memory follows the live traffic of the window, not
 * the size of an import.
 *
 * <p>Held in generations by the time they may be forgotten, each an {@link EventKeySet} of one eighth
 * of the window; a generation is dropped whole once that time has passed. Time never goes back here
 * (a clock stepped back does not make history recent again). Not thread-safe: the store's single
 * writer owns it.
 */
final class RecentEventKeys {
  private static final int GENERATIONS = 8;

  private final long sliceMillis;
  private final long windowMillis;
  /** By the start of their slice of forgetting times: each holds the keys to forget in [start, start + slice). */
  private final TreeMap<Long, EventKeySet> generations = new TreeMap<>();
  private long now = Long.MIN_VALUE;

  RecentEventKeys(long windowMillis) {
    this.windowMillis = windowMillis;
    this.sliceMillis = Math.max(1, windowMillis / GENERATIONS);
  }

  /** Moves time on to {@code clockMillis} (never back), forgetting the generations whose time has passed; answers the time. */
  long advance(long clockMillis) {
    now = Math.max(now, clockMillis);
    Map.Entry<Long, EventKeySet> oldest = generations.firstEntry();
    while (oldest != null && oldest.getKey() + sliceMillis <= now) {
      generations.pollFirstEntry();
      oldest = generations.firstEntry();
    }
    return now;
  }

  /** Whether an event of this time, stored now, is held: recent, not history (nor from far in the future). */
  boolean holds(long eventMillis) {
    return eventMillis >= now - windowMillis && eventMillis <= now + windowMillis;
  }

  boolean contains(Key128 key) {
    for (EventKeySet generation : generations.values()) {
      if (generation.contains(key)) {
        return true;
      }
    }
    return false;
  }

  /** Remembers the key of an event stored now ({@link #holds} its time), for a window. */
  void add(Key128 key) {
    hold(key, now + windowMillis);
  }

  /**
   * Remembers the key of a stored event whose arrival is not known (loaded at start) until a window
   * after the latest it can have arrived and been held: its time plus two windows.
   */
  void addLoaded(Key128 key, long eventMillis) {
    hold(key, Math.min(eventMillis, now + windowMillis) + 2 * windowMillis);
  }

  /** The event times whose keys {@link #addLoaded} takes at start: [now - 2 windows, now + window]. */
  long loadFrom() {
    return now - 2 * windowMillis;
  }

  long loadTo() {
    return now + windowMillis;
  }

  private void hold(Key128 key, long forgetAt) {
    long start = forgetAt - Math.floorMod(forgetAt, sliceMillis);
    generations.computeIfAbsent(start, s -> new EventKeySet()).add(key);
  }

  long size() {
    long size = 0;
    for (EventKeySet generation : generations.values()) {
      size += generation.size();
    }
    return size;
  }
}
