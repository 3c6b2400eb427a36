package com.clozette.analytics.aggregator.report;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.clozette.analytics.aggregator.query.Query;
import com.clozette.analytics.aggregator.query.QueryResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Report results cached by query: the same range asked twice costs one computation. When stored
 * data changes, every cached answer whose range overlaps the change is dropped. An answer computed
 * while an overlapping change landed is not cached, so the cache never holds what it was told of.
 * Real-time answers are never cached. Sits above the seam, so it serves DuckDB and Druid alike.
 */
public final class CachingReportStore implements ReportStore {
  private static final int RECENT_CHANGES = 4096;

  private final ReportStore store;
  private final Cache<Object, Object> cache;
  private final Deque<SequencedChange> recentChanges = new ArrayDeque<>();
  private long changeSequence;

  private record SequencedChange(long sequence, DataChange change) {}

  private record Range(String site, Instant from, Instant to) {}

  /**
   * @param maximumRows how many rows the cached answers may hold together (an answer weighs one
   *     plus its rows): bounded by what the answers hold, not by their number, since one page export
   *     chunk holds thousands of rows and a partner can ask for many
   */
  public CachingReportStore(ReportStore store, long maximumRows, MeterRegistry metrics) {
    this.store = store;
    this.cache = Caffeine.newBuilder().maximumWeight(maximumRows).weigher(CachingReportStore::rows)
        .expireAfterAccess(Duration.ofHours(1)).recordStats().build();
    CaffeineCacheMetrics.monitor(metrics, cache, "reports");
  }

  /** Drops cached answers the change makes stale; wire it to the event store's change feed. */
  public void onChange(DataChange change) {
    synchronized (recentChanges) {
      recentChanges.addLast(new SequencedChange(++changeSequence, change));
      if (recentChanges.size() > RECENT_CHANGES) {
        recentChanges.removeFirst();
      }
    }
    cache.asMap().keySet().removeIf(key -> {
      Range range = rangeOf(key);
      return change.overlaps(range.site(), range.from().toEpochMilli(), range.to().toEpochMilli());
    });
  }

  @Override
  public Future<Report> report(ReportQuery query) {
    return cached(query, () -> store.report(query));
  }

  @Override
  public Future<Results.TimeSeries> timeSeries(Queries.Series query) {
    return cached(query, () -> store.timeSeries(query));
  }

  @Override
  public Future<Results.Breakdown> breakdown(Queries.Breakdown query) {
    return cached(query, () -> store.breakdown(query));
  }

  @Override
  public Future<Results.VisitorSummary> visitors(Queries.Visitors query) {
    return cached(query, () -> store.visitors(query));
  }

  @Override
  public Future<Results.BotTraffic> bots(Queries.Bots query) {
    return store.bots(query);
  }

  @Override
  public Future<Results.Realtime> realtime(String site, Duration window) {
    return store.realtime(site, window);
  }

  @Override
  public Future<List<Results.PageRow>> pageExport(Queries.PageExport query) {
    return cached(query, () -> store.pageExport(query));
  }

  @Override
  public Future<QueryResult> query(Query query) {
    return cached(query, () -> store.query(query));
  }

  @SuppressWarnings("unchecked")
  private <T> Future<T> cached(Object query, Supplier<Future<T>> compute) {
    Object hit = cache.getIfPresent(query);
    if (hit != null) {
      return Future.succeededFuture((T) hit);
    }
    long startedAt = currentSequence();
    return compute.get().onSuccess(result -> {
      if (!changedSince(startedAt, rangeOf(query))) {
        cache.put(query, result);
      }
    });
  }

  private long currentSequence() {
    synchronized (recentChanges) {
      return changeSequence;
    }
  }

  private boolean changedSince(long sequence, Range range) {
    synchronized (recentChanges) {
      if (sequence == changeSequence) {
        return false;
      }
      if (recentChanges.isEmpty() || recentChanges.peekFirst().sequence() > sequence + 1) {
        return true;
      }
      for (SequencedChange recent : recentChanges) {
        if (recent.sequence() > sequence
            && recent.change().overlaps(range.site(), range.from().toEpochMilli(), range.to().toEpochMilli())) {
          return true;
        }
      }
      return false;
    }
  }

  private static int rows(Object query, Object answer) {
    if (answer instanceof List<?> rows) {
      return 1 + rows.size();
    } else if (answer instanceof Results.TimeSeries series) {
      return 1 + series.buckets().size();
    } else if (answer instanceof Results.Breakdown breakdown) {
      return 1 + breakdown.rows().size();
    } else if (answer instanceof QueryResult result) {
      return 1 + result.results().size();
    } else if (answer instanceof Report report) {
      return 1 + report.entryPages().size() + report.exitPages().size();
    }
    return 1;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Range rangeOf(Object query) {
    if (query instanceof ReportQuery q) {
      return new Range(q.site(), q.from(), q.to());
    } else if (query instanceof Queries.Series q) {
      return new Range(q.site(), q.from(), q.to());
    } else if (query instanceof Queries.Breakdown q) {
      return new Range(q.site(), q.from(), q.to());
    } else if (query instanceof Queries.Visitors q) {
      // New visitors depend on each visitor's first pageview ever, which an event before the range
      // can move: any change up to the end of the range can matter.
      return new Range(q.site(), Instant.EPOCH, q.to());
    } else if (query instanceof Queries.PageExport q) {
      return new Range(q.site(), q.from(), q.to());
    } else if (query instanceof Query q) {
      // Both ranges, and what lies between them: one span that holds every event the answer reads.
      return q.compares()
          ? new Range(q.site(), min(q.from(), q.compareFrom()), max(q.to(), q.compareTo()))
          : new Range(q.site(), q.from(), q.to());
    }
    throw new IllegalArgumentException("not a cacheable query: " + query);
  }
}
