package com.clozette.analytics.aggregator.store;

import java.time.Clock;
import java.time.Duration;

/**
 * How the embedded store runs (config/analytics.yaml {@code duckdb}).
 *
 * @param readers reader connections (and worker threads) for reports
 * @param sessionGapMillis a gap longer than this between two events of a visitor starts a new session
 * @param memoryLimitMb DuckDB's {@code memory_limit}: past it DuckDB spills to disk or fails the statement,
 *     instead of taking 80% of the machine's memory as it does by default
 * @param threads DuckDB's worker threads
 * @param dedupeWindow how far back from now, in event time, the keys of stored events are held in memory to drop a copy
 *     (same site and id) by; a copy of an older event is found in the store instead
 * @param queryTimeout the longest one read statement (of a report, a query, an export) may run before DuckDB interrupts it
 * @param clock now, for the de-duplication window
 */
public record StoreSettings(int readers, long sessionGapMillis, int memoryLimitMb, int threads, Duration dedupeWindow, Duration queryTimeout,
    Clock clock) {
  public static final int DEFAULT_MEMORY_LIMIT_MB = 128;
  public static final int DEFAULT_THREADS = 2;
  /** As the stream processor's {@code kafka.stateRetentionHours}: above the collector's 7 days of device time. */
  public static final Duration DEFAULT_DEDUPE_WINDOW = Duration.ofHours(192);
  /** Far above any answer of a healthy store (a filtered month over 4.7M events takes under a second), far below a client's patience. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(30);

  public StoreSettings {
    if (readers < 1 || threads < 1 || memoryLimitMb < 64 || dedupeWindow.isNegative() || dedupeWindow.isZero()
        || queryTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("invalid store settings: " + readers + " readers, " + threads + " threads, "
          + memoryLimitMb + " MB, window " + dedupeWindow + ", query timeout " + queryTimeout);
    }
  }

  /** The documented defaults, with this many readers and this session gap. */
  public static StoreSettings defaults(int readers, long sessionGapMillis) {
    return new StoreSettings(readers, sessionGapMillis, DEFAULT_MEMORY_LIMIT_MB, DEFAULT_THREADS, DEFAULT_DEDUPE_WINDOW, DEFAULT_QUERY_TIMEOUT,
        Clock.systemUTC());
  }

  public StoreSettings withClock(Clock clock) {
    return new StoreSettings(readers, sessionGapMillis, memoryLimitMb, threads, dedupeWindow, queryTimeout, clock);
  }
}
