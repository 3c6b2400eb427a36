package com.clozette.analytics.aggregator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.aggregator.report.ReportQuery;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventType;
import com.clozette.analytics.event.Platform;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Copies (same site and id) are stored once: the keys of events whose time is within the window are
 * held in memory, older events (history, imported) are looked up in the store, so an import of a long
 * history costs no memory and importing it again stores nothing, however long after.
 */
class DeduplicationTest extends FreshStore {
  private static final String SITE = "clozette-id";
  /** A month after the history of {@link FreshStore#T0}: what the store's clock says at first. */
  private static final long NOW = T0 + 30 * 86_400_000L;

  private SettableClock clock;
  private StoreSettings settings;
  private Duration window;

  @BeforeEach
  void openWithClock() {
    clock = new SettableClock(Instant.ofEpochMilli(NOW));
    settings = StoreSettings.defaults(2, GAP).withClock(clock);
    window = settings.dedupeWindow();
    reopen();
  }

  @Test
  void importedHistoryHoldsNoKeysInMemoryNotEvenAfterReopening() {
    assertEquals(new IngestResult(1000, 0), store.insert(history("h", 1000), null));
    assertEquals(0, store.recentEventKeys());

    reopen();
    assertEquals(0, store.recentEventKeys());
  }

  @Test
  void aBatchMixingHistoryAndLiveTrafficHoldsOnlyTheLiveKeys() {
    List<Event> batch = new ArrayList<>(history("h", 500));
    for (int i = 0; i < 20; i++) {
      batch.add(view("live" + i, NOW - 3_600_000 + i * 1000L));
    }
    assertEquals(new IngestResult(520, 0), store.insert(batch, null));
    assertEquals(20, store.recentEventKeys());

    reopen();
    assertEquals(20, store.recentEventKeys());
  }

  @Test
  void reimportingHistoryStoresItOnceAlsoAfterReopeningAndLongAfterTheWindow() {
    List<Event> history = history("h", 600);
    List<Event> withCopies = new ArrayList<>(history);
    withCopies.addAll(history.subList(0, 50));
    assertEquals(new IngestResult(600, 50), store.insert(withCopies, null), "the first copy within a batch wins");
    assertEquals(new IngestResult(0, 600), store.insert(history, null), "imported again");

    reopen();
    assertEquals(new IngestResult(0, 600), store.insert(history, null), "imported again after a restart");

    clock.advance(window.multipliedBy(3));
    reopen();
    List<Event> partly = new ArrayList<>(history.subList(100, 200));
    partly.add(view("new-old", T0 + 42));
    assertEquals(new IngestResult(1, 100), store.insert(partly, null), "imported again three windows later");
    ReportQuery month = new ReportQuery(SITE, Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 2 * 86_400_000L), 10);
    assertEquals(601, store.report(month).await().pageviews());
  }

  /**
   * A retry of a live event is dropped by the key in memory, without the store (shown by deleting the
   * stored event behind the store's back); once the event is older than the window its copy is found in
   * the store, and a copy that the store does not hold any more is stored again.
   */
  @Test
  void aRetryOfALiveEventIsDroppedFromMemoryAndAfterTheWindowFromTheStore() throws Exception {
    long ts = NOW - 60_000;
    assertEquals(new IngestResult(2, 0), store.insert(List.of(view("kept", ts), view("deleted", ts + 1)), null));
    store.withReader(connection -> {
      try (Statement statement = connection.createStatement()) {
        return statement.executeUpdate("DELETE FROM events WHERE id = 'deleted'");
      }
    });
    assertEquals(new IngestResult(0, 2), store.insert(List.of(view("kept", ts), view("deleted", ts + 1)), null), "a retry minutes later");

    clock.advance(window.plus(window.dividedBy(8)));
    assertEquals(new IngestResult(0, 1), store.insert(List.of(view("kept", ts)), null), "past the window: found in the store");
    assertEquals(0, store.recentEventKeys());
    assertEquals(new IngestResult(1, 0), store.insert(List.of(view("deleted", ts + 1)), null), "past the window, not in the store");
    reopen();
    assertEquals(new IngestResult(0, 2), store.insert(List.of(view("kept", ts), view("deleted", ts + 1)), null), "and after a restart");
  }

  /** Events dated far in the future (an import's mistake) are not held for ever: memory stays that of the window. */
  @Test
  void eventsFromTheFarFutureAreNotHeldForEver() {
    List<Event> future = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      future.add(view("f" + i, NOW + (i + 1) * 86_400_000L));
    }
    assertEquals(new IngestResult(200, 0), store.insert(future, null));
    assertTrue(store.recentEventKeys() <= 8, "at most the window's days ahead: " + store.recentEventKeys());
    clock.advance(window.multipliedBy(10));
    reopen();
    assertTrue(store.recentEventKeys() <= 3 * 8 + 1, "at most three windows of days: " + store.recentEventKeys());
    assertEquals(new IngestResult(0, 200), store.insert(future, null), "each copy found, in memory or in the store");
  }

  /** An app resends an event it held offline 7 days, three days later: the collector moved its time, the key is still held. */
  @Test
  void aResendOfAnEventHeldOfflineWithAnotherTimeIsDropped() {
    long week = 7 * 86_400_000L;
    assertEquals(new IngestResult(1, 0), store.insert(List.of(view("offline", NOW - week)), null));
    clock.advance(Duration.ofHours(72));
    assertEquals(new IngestResult(0, 1), store.insert(List.of(view("offline", NOW + 72 * 3_600_000L - week)), null));
    reopen();
    assertEquals(new IngestResult(0, 1), store.insert(List.of(view("offline", NOW + 72 * 3_600_000L - week + 5)), null), "after a restart");
  }

  /** A retry whose time falls just before the window while the original's falls just inside it: a copy. */
  @Test
  void aRetryStraddlingTheWindowsEdgeIsDropped() {
    long edge = NOW - window.toMillis();
    assertEquals(new IngestResult(1, 0), store.insert(List.of(view("edge", edge + 1)), null));
    assertEquals(new IngestResult(0, 1), store.insert(List.of(view("edge", edge - 2)), null));
  }

  /** A clock stepped back does not make history recent again: its copy is still looked up in the store. */
  @Test
  void aClockSteppedBackStillFindsHistoryInTheStore() {
    long old = NOW - window.toMillis() - 60_000;
    assertEquals(new IngestResult(1, 0), store.insert(List.of(view("old", old)), null));
    clock.advance(Duration.ofMinutes(-2));
    assertEquals(new IngestResult(0, 1), store.insert(List.of(view("old", old)), null));
  }

  private void reopen() {
    store.close();
    store = DuckDbStore.open(vertx, dir.resolve("dedupe.duckdb"), settings);
  }

  /** Pageviews of one visitor a minute apart from {@link FreshStore#T0} on: a month before now. */
  private static List<Event> history(String idPrefix, int count) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(view(idPrefix + i, T0 + i * 60_000L));
    }
    return events;
  }

  private static Event view(String id, long ts) {
    return new Event(id, SITE, EventType.PAGEVIEW, ts, "v1", "https://www.clozette.co.id/", null, null, Platform.WEB, null, null, false, null,
        null, null, null, null);
  }
}
