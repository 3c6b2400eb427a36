package com.clozette.analytics.aggregator.session;

import java.time.Duration;

/**
 * RULES.md's session rule, written once for every store: a session is a run of one visitor's counted
 * events (time order, ties by event id) in which no event comes more than the gap after the one
 * before it; a run without a pageview is not a session. A session starts at its first event and ends
 * at its last; its entry and exit are its first and last pageview, and its referrer, UTM source,
 * platform, device, browser and OS those of its first pageview. The embedded store's
 * {@code store/Sessionizer} translates it to SQL, the stream processor's {@code kafka/VisitorTimeline}
 * applies it event by event; both ask this class where they compare times.
 *
 * @param gapMillis the longest pause inside a session ({@code sessions.gapMinutes}, 30 by RULES.md)
 */
public record SessionRule(long gapMillis) {
  public static final Duration DEFAULT_GAP = Duration.ofMinutes(30);

  public SessionRule {
    if (gapMillis < 1) {
      throw new IllegalArgumentException("a session gap of " + gapMillis + " ms");
    }
  }

  /** Whether an event at {@code ts} continues a session whose latest event so far is at {@code previous} (ts >= previous). */
  public boolean continues(long previous, long ts) {
    return ts - previous <= gapMillis;
  }

  /** {@link #continues} negated, as SQL over two integer millisecond expressions: the test that starts a new session. */
  public String startsNewSql(String previous, String ts) {
    return "(" + ts + " - " + previous + " > " + gapMillis + ")";
  }

  /**
   * The earliest session end an event at {@code ts} can join, as SQL: sessions ending before it are
   * over for that event, which is what lets a store read only the sessions near a batch.
   */
  public String earliestJoinableEndSql(String ts) {
    return "(" + ts + " - " + gapMillis + ")";
  }

  /** The latest session start an event at {@code ts} can join, as SQL. */
  public String latestJoinableStartSql(String ts) {
    return "(" + ts + " + " + gapMillis + ")";
  }
}
