package com.clozette.analytics.aggregator.report;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.clozette.analytics.aggregator.query.Query;
import com.clozette.analytics.aggregator.query.QueryResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.vertx.core.Future;
import java.time.Duration;
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
  private final Cache<Cacheable, Object> cache;
  private final Deque<SequencedChange> recentChanges = new ArrayDeque<>();
  private long changeSequence;

  private record SequencedChange(long sequence, DataChange change) {}


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
      return touches(change, key);
    });
  }

  @Override
  public Future<Report> report(ReportQuery query) {
    return cached(query, () -> store.report(query));
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
  private <T> Future<T> cached(Cacheable query, Supplier<Future<T>> compute) {
    Object hit = cache.getIfPresent(query);
    if (hit != null) {
      return Future.succeededFuture((T) hit);
    }
    long startedAt = currentSequence();
    return compute.get().onSuccess(result -> {
      if (!changedSince(startedAt, query)) {
        cache.put(query, result);
      }
    });
  }

  private long currentSequence() {
    synchronized (recentChanges) {
      return changeSequence;
    }
  }

  private boolean changedSince(long sequence, Cacheable query) {
    synchronized (recentChanges) {
      if (sequence == changeSequence) {
        return false;
      }
      if (recentChanges.isEmpty() || recentChanges.peekFirst().sequence() > sequence + 1) {
        return true;
      }
      for (SequencedChange recent : recentChanges) {
        if (recent.sequence() > sequence
            && touches(recent.change(), query)) {
          return true;
        }
      }
      return false;
    }
  }

  private static int rows(Cacheable query, Object answer) {
    if (answer instanceof List<?> rows) {
      return 1 + rows.size();
    } else if (answer instanceof Results.Breakdown breakdown) {
      return 1 + breakdown.rows().size();
    } else if (answer instanceof QueryResult result) {
      return 1 + result.results().size();
    } else if (answer instanceof Report report) {
      return 1 + report.entryPages().size() + report.exitPages().size();
    }
    return 1;
  }

  private static boolean touches(DataChange change, Cacheable query) {
    return change.overlaps(query.site(), query.readsFrom().toEpochMilli(), query.readsTo().toEpochMilli());
  }
}
