package com.clozette.analytics.aggregator.load;

import com.clozette.analytics.aggregator.store.EventStore;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.EventCodec;
import com.clozette.analytics.log.EventLog;
import com.clozette.analytics.log.LogPosition;
import com.clozette.analytics.log.LogReader;
import com.clozette.analytics.log.LogRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the event log into the store on a thread of its own. Each batch is stored together with
 * the log position after it, in one transaction, so a restart resumes exactly there: no event is
 * loaded twice, none is skipped. A batch takes what arrives within the batch window after its first
 * event, so reports are at most that much behind while the loader keeps up; up to {@code maxBatch}
 * events when it falls behind.
 */
public final class EventLoader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLoader.class);
  private static final Duration IDLE_WAIT = Duration.ofMillis(200);
  private static final Duration RETRY_WAIT = Duration.ofSeconds(1);

  private final EventLog log;
  private final EventStore store;
  private final int maxBatch;
  private final Duration batchWindow;
  private final long segmentBytes;
  private final Counter loaded;
  private final UserAgentEnrichment userAgents;
  private final AtomicReference<LogPosition> position = new AtomicReference<>();
  private final Thread thread;
  private final Counter failures;
  /**
   * The most records the next batch may take: halved after each failure, so a batch too large for
   * the store (DuckDB's memory limit) is retried smaller instead of forever; doubled back after each
   * success. Only the loader's thread touches it.
   */
  private int batchLimit;
  private volatile boolean running = true;
  /** Every event logged by this time (System.nanoTime) is in the store; 0 until a batch showed it. */
  private volatile long caughtUpThroughNanos;

  /**
   * @param batchWindow how long a batch waits for more events after its first (zero: loads what is there)
   * @param userAgents classifies each event's raw user agent as it is loaded (the collector stores
   *     it unclassified), on this loader's thread: a parse of a new user agent costs milliseconds,
   *     so a flood of them delays loading, not the collector's answers
   */
  public EventLoader(EventLog log, long segmentBytes, EventStore store, int maxBatch, Duration batchWindow, UserAgentClassifier userAgents,
      MeterRegistry metrics) {
    this.log = log;
    this.batchWindow = batchWindow;
    this.segmentBytes = segmentBytes;
    this.store = store;
    this.maxBatch = maxBatch;
    this.batchLimit = maxBatch;
    this.failures = metrics.counter("analytics.loader.failures");
    this.loaded = metrics.counter("analytics.events.loaded");
    this.userAgents = new UserAgentEnrichment(userAgents, metrics, "loader");
    this.position.set(store.loadedPosition().orElse(LogPosition.START));
    metrics.gauge("analytics.log.lag.bytes", this, EventLoader::lagBytes);
    metrics.gauge("analytics.loader.lag.seconds", this, EventLoader::lagSeconds);
    this.thread = new Thread(this::run, "event-loader");
    this.thread.setDaemon(true);
  }

  public EventLoader start() {
    thread.start();
    return this;
  }

  /** The log position up to which events are in the store. */
  public LogPosition position() {
    return position.get();
  }

  private void run() {
    while (running) {
      try (LogReader reader = log.openReader(position.get())) {
        while (running) {
          // What the log holds now: once a batch reaches it, the store holds all that arrived by now.
          LogPosition end = log.end();
          long endSeenNanos = System.nanoTime();
          List<LogRecord> records = reader.poll(batchLimit, IDLE_WAIT);
          if (!records.isEmpty()) {
            load(gather(reader, records), end, endSeenNanos);
            batchLimit = Math.min(maxBatch, batchLimit * 2);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // The store or the disk failed; nothing was committed for this batch, so retrying from the
        // committed position loses and duplicates nothing.
        failures.increment();
        batchLimit = Math.max(1, batchLimit / 2);
        LOG.error("loading from the event log failed at {}; retrying with batches of at most {}", position.get(), batchLimit, e);
        sleepBeforeRetry();
      }
    }
  }

  /**
   * The batch that starts with {@code first}: whatever else arrives within {@link #batchWindow} of
   * it, up to the batch limit. A batch costs the store about the same statements and commits
   * whatever its size, so under steady traffic the loader wakes a few times a second instead of
   * at every group commit of the log, and the collector keeps the CPU.
   */
  private List<LogRecord> gather(LogReader reader, List<LogRecord> first) throws IOException, InterruptedException {
    List<LogRecord> batch = new ArrayList<>(first);
    long deadline = System.nanoTime() + batchWindow.toNanos();
    while (batch.size() < batchLimit && running) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      List<LogRecord> more = reader.poll(batchLimit - batch.size(), Duration.ofNanos(left));
      if (more.isEmpty()) {
        break;
      }
      batch.addAll(more);
    }
    return batch;
  }

  private void load(List<LogRecord> records, LogPosition endBefore, long endSeenNanos) {
    List<Event> events = new ArrayList<>(records.size());
    for (LogRecord record : records) {
      events.add(userAgents.classify(EventCodec.decode(record.payload())));
    }
    LogPosition next = records.get(records.size() - 1).next();
    store.insert(events, next);
    // Counted before the position moves, so whoever waits for the position sees the counters too.
    loaded.increment(events.size());
    userAgents.countBots(events);
    position.set(next);
    log.release(next);
    if (next.compareTo(endBefore) >= 0) {
      caughtUpThroughNanos = endSeenNanos;
    }
  }

  /**
   * How old the newest moment is whose logged events are all in the store: 0 while the store holds
   * everything the log does; under steady traffic about the batch window and a batch's insert; -1
   * when it cannot be told (a backlog found at start, not yet worked off).
   */
  public double lagSeconds() {
    if (position.get().compareTo(log.end()) >= 0) {
      return 0;
    }
    long through = caughtUpThroughNanos;
    return through == 0 ? -1 : (System.nanoTime() - through) / 1e9;
  }

  private double lagBytes() {
    LogPosition end = log.end();
    LogPosition at = position.get();
    if (end.segment() == at.segment()) {
      return Math.max(0, end.offset() - at.offset());
    }
    return end.offset() + Math.max(0, segmentBytes - at.offset()) + (end.segment() - at.segment() - 1) * (double) segmentBytes;
  }

  private void sleepBeforeRetry() {
    try {
      Thread.sleep(RETRY_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Blocks until the store holds everything the log held when this was called (for tests and import). */
  public void awaitCaughtUp(Duration timeout) throws InterruptedException {
    LogPosition target = log.end();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (position.get().compareTo(target) < 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("loader did not reach " + target + " within " + timeout + "; it is at " + position.get());
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
