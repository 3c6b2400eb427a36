package com.clozette.analytics.aggregator.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.aggregator.report.DataChange;
import com.clozette.analytics.aggregator.store.DuckDbStore;
import com.clozette.analytics.aggregator.store.StoreSettings;
import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventCodec;
import com.clozette.analytics.event.EventType;
import com.clozette.analytics.event.Platform;
import com.clozette.analytics.log.EventLog;
import com.clozette.analytics.log.LogSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader between a real event log and a real DuckDB store. */
class EventLoaderTest {
  private static final String UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  private static final long T0 = Instant.parse("2026-11-02T08:00:00Z").toEpochMilli();

  @TempDir Path dir;
  private Vertx vertx;
  private EventLog log;
  private DuckDbStore store;
  private final List<DataChange> batches = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    log = EventLog.open(dir.resolve("log"), LogSettings.defaults());
    store = DuckDbStore.open(vertx, dir.resolve("store.duckdb"), StoreSettings.defaults(1, 1_800_000));
    store.addChangeListener(batches::add);
  }

  @AfterEach
  void close() {
    log.close();
    store.close();
    vertx.close().await();
  }

  /**
   * Events appended one group commit at a time, all within the batch window of the first, are
   * stored as one batch: one store transaction (one change notice), not one per commit.
   */
  @Test
  void eventsArrivingWithinTheBatchWindowAreStoredAsOneBatch() throws Exception {
    try (EventLoader loader = new EventLoader(log, LogSettings.defaults().segmentBytes(), store, 50_000, Duration.ofSeconds(3),
        new UserAgentClassifier(100), new SimpleMeterRegistry()).start()) {
      for (int i = 0; i < 10; i++) {
        log.append(EventCodec.encode(pageview(i))).get();
      }
      loader.awaitCaughtUp(Duration.ofSeconds(30));
    }
    assertEquals(1, batches.size(), "one store transaction for the ten group commits: " + batches);
  }

  /** With no window, each group commit the loader finds is a batch of its own once the loader is idle. */
  @Test
  void withoutAWindowAnEventFoundAloneIsStoredAtOnce() throws Exception {
    try (EventLoader loader = new EventLoader(log, LogSettings.defaults().segmentBytes(), store, 50_000, Duration.ZERO,
        new UserAgentClassifier(100), new SimpleMeterRegistry()).start()) {
      for (int i = 0; i < 3; i++) {
        log.append(EventCodec.encode(pageview(i))).get();
        loader.awaitCaughtUp(Duration.ofSeconds(30));
      }
    }
    assertEquals(3, batches.size(), batches.toString());
  }

  /**
   * Under steady traffic the log always holds events the store does not yet, but the lag is the age
   * of what is missing (about the batch window), not the time since the loader was last idle.
   */
  @Test
  void theLagUnderSteadyTrafficIsAboutTheBatchWindowNotTheTimeSinceTheLoaderWasIdle() throws Exception {
    try (EventLoader loader = new EventLoader(log, LogSettings.defaults().segmentBytes(), store, 50_000, Duration.ofMillis(200),
        new UserAgentClassifier(100), new SimpleMeterRegistry()).start()) {
      long started = System.nanoTime();
      long until = started + Duration.ofSeconds(4).toNanos();
      double worst = 0;
      int i = 0;
      while (System.nanoTime() < until) {
        log.append(EventCodec.encode(pageview(i++))).get();
        if (i > 200) {
          worst = Math.max(worst, loader.lagSeconds());
        }
        Thread.sleep(2);
      }
      // a lag measured from the last idle moment grows with the traffic's duration; this one does not
      double elapsed = (System.nanoTime() - started) / 1e9;
      assertTrue(worst < elapsed / 2, "worst lag " + worst + " s over " + elapsed + " s of steady appends");
      loader.awaitCaughtUp(Duration.ofSeconds(30));
      assertEquals(0.0, loader.lagSeconds());
    }
  }

  private static Event pageview(int i) {
    return new Event("e" + i, "clozette-id", EventType.PAGEVIEW, T0 + i * 1000L, "visitor-" + i, "https://www.clozette.co.id/looks/" + i,
        null, UA, Platform.WEB, null, null, false, null, null, null, null, null);
  }
}
