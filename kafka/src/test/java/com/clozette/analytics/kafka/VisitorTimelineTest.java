package com.clozette.analytics.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventType;
import com.clozette.analytics.event.Platform;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The sessioniser's collapsing rows, summed over sign, give the sessions of RULES.md whatever order
 * the events arrive in: checked against every session figure of the golden set's expected.json.
 */
class VisitorTimelineTest {
  private static final long GAP = 30 * 60 * 1000;

  @Test
  void signedSessionRowsSumToTheGoldenSessionsInFileOrder() {
    GoldenSessions.assertSums(rowsFor(GoldenSessions.countedEvents()));
  }

  @Test
  void signedSessionRowsSumToTheGoldenSessionsInAnyArrivalOrder() {
    for (long seed = 1; seed <= 3; seed++) {
      List<Event> events = GoldenSessions.countedEvents();
      Collections.shuffle(events, new Random(seed));
      GoldenSessions.assertSums(rowsFor(events));
    }
  }

  @Test
  void aLateEventBridgingTwoSessionsRetractsBothAndWritesTheMergedOne() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    timeline.add(pageview(0, "a", "/a"), GAP);
    timeline.add(pageview(2 * GAP, "c", "/c"), GAP);
    VisitorTimeline.Change change = timeline.add(new VisitorTimeline.Entry(GAP, "b", null, 0), GAP);
    assertEquals(List.of(-1, -1), change.retracted().stream().map(SessionRow::sign).toList());
    assertEquals(1, change.added().size());
    SessionRow merged = change.added().get(0);
    assertEquals(List.of(0L, 2 * GAP, 2, "/a", "/c"), List.of(merged.ts(), merged.durationMs(), merged.pageviews(), merged.entry(), merged.exit()));
  }

  /**
   * A session's dimensions are its first pageview's, coalesced as the embedded store coalesces them;
   * a late earlier pageview becomes the first, so the row is retracted and rewritten with its values.
   */
  @Test
  void aSessionTakesItsDimensionsFromItsFirstPageviewEvenWhenThatArrivesLate() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    timeline.add(VisitorTimeline.Entry.of(clean("e", 1000, "event", "https://shop.example/x", null, null, null), 0), GAP);
    VisitorTimeline.Change first = timeline.add(VisitorTimeline.Entry.of(clean("b", 5000, "pageview", "https://shop.example/b",
        null, null, null), 0), GAP);
    SessionRow untracked = first.added().get(0);
    assertEquals(List.of("/b", "app", "(direct)", "(none)", "Unknown", "Unknown", "Unknown"), dimensions(untracked));

    VisitorTimeline.Change late = timeline.add(VisitorTimeline.Entry.of(clean("a", 3000, "pageview",
        "https://shop.example/a?utm_source=news%20letter", "https://Search.Example:443/q?x=1", "mobile", "Safari"), 0), GAP);
    assertEquals(List.of(untracked.withSign(-1)), late.retracted());
    SessionRow tracked = late.added().get(0);
    assertEquals(List.of("/a", "app", "search.example", "news letter", "mobile", "Safari", "iOS"), dimensions(tracked));
    assertEquals(List.of(1000L, 4000L, "/b"), List.of(tracked.ts(), tracked.durationMs(), tracked.exit()));
  }

  /**
   * New visitors: in any arrival order, exactly one surviving row per visitor carries a first-view
   * time, and it is the time of the visitor's first counted pageview.
   */
  @Test
  void theSurvivingRowsMarkEachVisitorsFirstPageviewInAnyArrivalOrder() {
    List<Event> events = GoldenSessions.countedEvents();
    Map<String, Long> firstViews = new HashMap<>();
    for (Event event : events) {
      if (event.type() == EventType.PAGEVIEW) {
        firstViews.merge(EventKeys.visitor(event), event.ts(), Math::min);
      }
    }
    for (long seed = 1; seed <= 3; seed++) {
      Collections.shuffle(events, new Random(seed));
      Map<SessionRow, Long> net = new HashMap<>();
      for (SessionRow row : rowsFor(events)) {
        net.merge(row.withSign(1), (long) row.sign(), Long::sum);
      }
      Map<String, Long> marked = new HashMap<>();
      net.forEach((row, sign) -> {
        if (sign != 0 && row.firstViewTs() != 0) {
          assertEquals(null, marked.put(row.site() + "/" + row.vid(), row.firstViewTs()), "two first sessions of " + row.vid());
        }
      });
      assertEquals(firstViews, marked, "seed " + seed);
    }
  }

  @Test
  void aLateEarlierPageviewTakesTheFirstViewFromTheSessionThatHadIt() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    SessionRow wasFirst = timeline.add(pageview(10 * GAP, "b", "/b"), GAP).added().get(0);
    assertEquals(10 * GAP, wasFirst.firstViewTs());
    VisitorTimeline.Change late = timeline.add(pageview(GAP, "a", "/a"), GAP);
    assertEquals(List.of(wasFirst.withSign(-1)), late.retracted());
    assertEquals(Set.of(GAP, 0L), Set.copyOf(late.added().stream().map(SessionRow::firstViewTs).toList()));
  }

  /**
   * Trimming is invisible to every event it accepts: a timeline that drops what arrived more than
   * 300 events ago writes exactly the rows an untrimmed one writes for the same accepted events, in
   * any arrival order, and refuses only events older than its horizon.
   */
  @Test
  void aTrimmedTimelineWritesTheSameRowsAsAnUntrimmedOneForEveryEventItAccepts() {
    long retention = 300;
    for (long seed = 1; seed <= 3; seed++) {
      List<Event> events = GoldenSessions.countedEvents();
      Collections.shuffle(events, new Random(seed));
      Map<String, VisitorTimeline> trimmed = new HashMap<>();
      Map<String, VisitorTimeline> whole = new HashMap<>();
      int refused = 0;
      for (int arrived = 0; arrived < events.size(); arrived++) {
        Event event = events.get(arrived);
        String key = EventKeys.visitor(event);
        VisitorTimeline.Entry entry = VisitorTimeline.Entry.of(CleanEvent.of(event), arrived);
        VisitorTimeline timeline = trimmed.computeIfAbsent(key, k -> VisitorTimeline.empty(event.site(), event.vid()));
        VisitorTimeline.Change change = timeline.add(entry, GAP);
        timeline.trim(arrived - retention, GAP);
        if (change.refusal() == VisitorTimeline.Refusal.TOO_LATE) {
          refused++;
          continue;
        }
        VisitorTimeline.Change expected = whole.computeIfAbsent(key, k -> VisitorTimeline.empty(event.site(), event.vid())).add(entry, GAP);
        // session rows only: the trimmed timeline publishes the pageview rows of what it drops earlier
        assertEquals(List.of(expected.retracted(), expected.added(), expected.refusal()), List.of(change.retracted(), change.added(),
            change.refusal()), "seed " + seed + ", event " + event.id());
      }
      assertTrue(refused > 0 && refused < events.size() / 2, "seed " + seed + ": refused " + refused + " of " + events.size());
    }
  }

  /** An import of old events arrives all at once: nothing is trimmed, nothing refused, however old. */
  @Test
  void eventsThatArrivedRecentlyAreKeptHoweverOldTheyAre() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    timeline.add(pageview(100 * GAP, "new", "/new", 1_000), GAP);
    timeline.add(pageview(0, "old", "/old", 1_000), GAP);
    assertEquals(0, timeline.trim(500, GAP).events());
    assertEquals(VisitorTimeline.Refusal.NONE, timeline.add(pageview(GAP / 2, "older", "/older", 1_001), GAP).refusal());
  }

  @Test
  void anEventBeforeTheHorizonIsTooLateAndChangesNothing() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    timeline.add(pageview(0, "a", "/a", 0), GAP);
    timeline.add(pageview(GAP / 2, "b", "/b", 0), GAP);
    timeline.add(pageview(10 * GAP, "c", "/c", 100), GAP);
    assertEquals(2, timeline.trim(50, GAP).events());
    VisitorTimeline.Change late = timeline.add(pageview(GAP, "d", "/d", 101), GAP);
    assertEquals(VisitorTimeline.Refusal.TOO_LATE, late.refusal());
    assertEquals(List.of(), late.added());
    assertEquals(VisitorTimeline.Refusal.NONE, timeline.add(pageview(GAP * 3 / 2 + 1, "e", "/e", 102), GAP).refusal(),
        "more than a gap after the dropped session");
  }

  /**
   * One visitor cannot make every event expensive: past the limit, older sessions are dropped
   * (however recent), and one endless session stops growing, its further events refused, until an
   * event starts a newer session.
   */
  @Test
  void aTimelineNeverHoldsMoreThanTheLimit() {
    VisitorTimeline sessions = VisitorTimeline.empty("s", "many-sessions");
    for (int i = 0; i < 3 * VisitorTimeline.MAX_HELD_EVENTS; i++) {
      assertEquals(VisitorTimeline.Refusal.NONE, sessions.add(pageview(i * 2 * GAP, "e" + i, "/p", i), GAP).refusal());
      sessions.trim(0, GAP);
    }
    assertTrue(VisitorTimeline.heldEvents(sessions.toBytes()) <= VisitorTimeline.MAX_HELD_EVENTS);

    // as the stream processor keeps it: read from the store for each event, written back only when it changed
    byte[] storedBot = VisitorTimeline.empty("s", "bot").toBytes();
    List<VisitorTimeline.Refusal> refusals = new ArrayList<>();
    int writes = 0;
    // a pageview a second for three times the limit: the refused ones go on for longer than a gap
    int sent = 3 * VisitorTimeline.MAX_HELD_EVENTS;
    for (int i = 0; i < sent; i++) {
      VisitorTimeline bot = VisitorTimeline.fromBytes(storedBot);
      VisitorTimeline.Change change = bot.add(pageview(i * 1000L, "b" + i, "/p", i), GAP);
      refusals.add(change.refusal());
      if (bot.trim(0, GAP).events() > 0 || change.stored()) {
        storedBot = bot.toBytes();
        writes++;
      }
    }
    VisitorTimeline endless = VisitorTimeline.fromBytes(storedBot);
    assertEquals(VisitorTimeline.MAX_HELD_EVENTS, VisitorTimeline.heldEvents(storedBot));
    assertEquals(List.of(VisitorTimeline.Refusal.OVER_LIMIT), refusals.stream().skip(VisitorTimeline.MAX_HELD_EVENTS).distinct().toList(),
        "the endless session is not cut into new ones");
    assertTrue(writes < VisitorTimeline.MAX_HELD_EVENTS + 10, "refused events are rarely written back: " + writes);
    long nextDay = sent * 1000L + 48 * GAP;
    VisitorTimeline.Change nextSession = endless.add(pageview(nextDay, "next-day", "/p", 0), GAP);
    assertEquals(VisitorTimeline.Refusal.NONE, nextSession.refusal(), "a newer session is sessionised again");
    assertEquals(List.of(nextDay), nextSession.added().stream().map(SessionRow::ts).toList());
    assertEquals(List.of(), nextSession.retracted(), "the dropped endless session's row stays as written");
  }

  /** A stub keeps what "new visitor" needs: a visitor trimmed to nothing who comes back is not new. */
  @Test
  void aVisitorTrimmedToAStubIsNotNewWhenTheyComeBack() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    assertEquals(5L, timeline.add(pageview(5, "a", "/a"), GAP).added().get(0).firstViewTs());
    timeline.trim(Long.MAX_VALUE, GAP);
    VisitorTimeline stub = VisitorTimeline.fromBytes(timeline.toBytes());
    assertEquals(0, VisitorTimeline.heldEvents(timeline.toBytes()));
    assertEquals(0L, stub.add(pageview(100 * GAP, "b", "/b"), GAP).added().get(0).firstViewTs());
  }

  @Test
  void aStoredTimelineOfAnotherFormatIsRefusedWithAReason() {
    byte[] stored = VisitorTimeline.empty("s", "v").toBytes();
    stored[0] = VisitorTimeline.FORMAT + 1;
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> VisitorTimeline.fromBytes(stored));
    assertTrue(refused.getMessage().contains("format"), refused.getMessage());
  }

  @Test
  void aTimelineSurvivesItsStoredForm() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    timeline.add(VisitorTimeline.Entry.of(clean("x", 5, "pageview", "https://shop.example/p?utm_source=ads", "https://a.example/",
        "desktop", "Firefox"), 0), GAP);
    timeline.add(new VisitorTimeline.Entry(9, "y", null, 0), GAP);
    timeline.add(pageview(12, "z", "/q"), GAP);
    timeline.add(pageview(3 * GAP, "w", "/w", 10), GAP);
    timeline.trim(5, GAP);
    timeline.arrivedAt(1234);
    VisitorTimeline restored = VisitorTimeline.fromBytes(timeline.toBytes());
    assertEquals(timeline.sessions(GAP), restored.sessions(GAP));
    assertEquals(1234, VisitorTimeline.lastArrival(restored.toBytes()));
    assertEquals(VisitorTimeline.Refusal.TOO_LATE, restored.add(pageview(GAP, "late", "/late"), GAP).refusal(), "the horizon survives too");
  }

  private static VisitorTimeline.Entry pageview(long ts, String id, String path) {
    return pageview(ts, id, path, 0);
  }

  private static VisitorTimeline.Entry pageview(long ts, String id, String path, long arrived) {
    return VisitorTimeline.Entry.of(clean(id, ts, "pageview", "https://shop.example" + path, null, null, null), arrived);
  }

  /** An app event as the clean topic carries it; the OS is known exactly when the device is. */
  private static CleanEvent clean(String id, long ts, String type, String url, String ref, String device, String browser) {
    Event event = new Event(id, "s", EventType.fromWireName(type), ts, "v", url, ref, null, Platform.APP, type.equals("pageview") ? null : "tap",
        null, false, null, device, browser, device == null ? null : "iOS", null);
    return CleanEvent.of(event);
  }

  private static List<Object> dimensions(SessionRow row) {
    return List.of(row.entry(), row.platform(), row.refHost(), row.utmSource(), row.device(), row.browser(), row.os());
  }

  private static List<SessionRow> rowsFor(List<Event> events) {
    Map<String, VisitorTimeline> timelines = new HashMap<>();
    List<SessionRow> rows = new ArrayList<>();
    for (Event event : events) {
      VisitorTimeline timeline = timelines.computeIfAbsent(EventKeys.visitor(event), key -> VisitorTimeline.empty(event.site(), event.vid()));
      VisitorTimeline.Change change = timeline.add(VisitorTimeline.Entry.of(CleanEvent.of(event), 0), GAP);
      rows.addAll(change.retracted());
      rows.addAll(change.added());
    }
    return rows;
  }

}
