package com.clozette.analytics.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The session pageview rows, summed over sign, are each counted pageview once with its session's
 * final attributes, whatever order events arrive in and whenever sessions are published; and they
 * cost rows in proportion to pageviews, not to pageviews times events.
 */
class SessionPageviewRowsTest {
  private static final long GAP = 30 * 60 * 1000;
  private static final String[] PATHS = {"/", "/a", "/b", "/c"};
  private static final String[] TYPES = {"pageview", "pageview", "pageview", "ping", "event"};

  /**
   * Random streams of a few visitors (sessions that merge, late events, pings, copies, idle publishes
   * and stored-form round trips in between): at every step each pageview's rows sum to 0 or 1, and
   * after a final idle publish the surviving rows are exactly those computed from scratch.
   */
  @Test
  void signedRowsSumToEachPageviewWithItsSessionsFinalAttributesInAnyArrivalOrder() {
    for (long seed = 1; seed <= 200; seed++) {
      Random random = new Random(seed);
      List<CleanEvent> events = randomEvents(random);
      List<CleanEvent> arrivals = new ArrayList<>(events);
      Collections.shuffle(arrivals, random);
      // copies of some events arrive again later: held, they change nothing
      for (int i = 0; i < 3; i++) {
        arrivals.add(random.nextInt(arrivals.size()), events.get(random.nextInt(events.size())));
      }

      Map<String, VisitorTimeline> timelines = new LinkedHashMap<>();
      Map<SessionPageviewRow, Long> net = new HashMap<>();
      for (CleanEvent event : arrivals) {
        String key = event.site() + "/" + event.vid();
        VisitorTimeline timeline = timelines.computeIfAbsent(key, k -> VisitorTimeline.empty(event.site(), event.vid()));
        sum(net, timeline.add(VisitorTimeline.Entry.of(event, 0), GAP).pageviewRows());
        if (random.nextInt(10) == 0) {
          sum(net, timeline.publishAll(GAP));
        }
        if (random.nextInt(5) == 0) {
          byte[] stored = timeline.toBytes();
          VisitorTimeline restored = VisitorTimeline.fromBytes(stored);
          assertEquals(VisitorTimeline.hasUnpublishedSessions(stored), VisitorTimeline.hasUnpublishedSessions(restored.toBytes()));
          timelines.put(key, restored);
        }
        assertEachPageviewCountsAtMostOnce(net, "seed " + seed);
      }
      for (VisitorTimeline timeline : timelines.values()) {
        sum(net, timeline.publishAll(GAP));
        assertFalse(VisitorTimeline.hasUnpublishedSessions(timeline.toBytes()), "seed " + seed);
      }

      Map<SessionPageviewRow, Long> surviving = new HashMap<>(net);
      surviving.values().removeIf(sign -> sign == 0);
      assertEquals(fromScratch(events), surviving, "seed " + seed);
    }
  }

  /** The golden set in any arrival order: once every visitor is idle, the rows sum to each query's pageviews. */
  @Test
  void signedRowsSumToTheGoldenPageviewsInAnyArrivalOrder() {
    for (long seed = 1; seed <= 3; seed++) {
      List<com.clozette.analytics.event.Event> events = GoldenSessions.countedEvents();
      Collections.shuffle(events, new Random(seed));
      Map<String, VisitorTimeline> timelines = new HashMap<>();
      List<SessionPageviewRow> rows = new ArrayList<>();
      for (com.clozette.analytics.event.Event event : events) {
        VisitorTimeline timeline = timelines.computeIfAbsent(EventKeys.visitor(event), key -> VisitorTimeline.empty(event.site(), event.vid()));
        rows.addAll(timeline.add(VisitorTimeline.Entry.of(CleanEvent.of(event), 0), GAP).pageviewRows());
      }
      assertTrue(GoldenSessions.pageviewMismatches(rows).size() > 0, "the last sessions wait for the visitor to be idle");
      timelines.values().forEach(timeline -> rows.addAll(timeline.publishAll(GAP)));
      assertEquals(List.of(), GoldenSessions.pageviewMismatches(rows), "seed " + seed);
    }
  }

  /** The cost the rows are built for: one long session of N pageviews in order is N rows, written once it is over. */
  @Test
  void pageviewsOfOneLongSessionInOrderAreWrittenOnceEachWhenItIsOver() {
    int n = 1_000;
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    List<SessionPageviewRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.addAll(timeline.add(pageview("p" + i, i * 60_000L, "/p" + (i % 7)), GAP).pageviewRows());
    }
    assertEquals(List.of(), rows, "nothing while the session may still grow");
    assertTrue(VisitorTimeline.hasUnpublishedSessions(timeline.toBytes()));
    rows.addAll(timeline.publishAll(GAP));
    assertEquals(n, rows.size());
    assertTrue(rows.stream().allMatch(row -> row.sign() == 1 && row.sessionPageviews() == n && row.exit().equals("/p" + ((n - 1) % 7))));
    assertEquals(List.of(), timeline.publishAll(GAP), "published once");
  }

  /**
   * A timeline stored by the version before pageview rows (format 2, as its toBytes wrote it) is read
   * without a reset: its held sessions count as unpublished, are written when the visitor is idle, and
   * it is stored in the current format from then on.
   */
  @Test
  void aTimelineStoredBeforePageviewRowsIsReadAndItsSessionsArePublishedWhenIdle() throws Exception {
    byte[] stored = TestTopology.formatTwoTimeline("s", "v", 1_000);
    assertEquals(1_000, VisitorTimeline.lastArrival(stored));
    assertEquals(3, VisitorTimeline.heldEvents(stored));
    assertTrue(VisitorTimeline.hasUnpublishedSessions(stored));
    VisitorTimeline timeline = VisitorTimeline.fromBytes(stored);
    List<SessionPageviewRow> rows = timeline.publishAll(GAP);
    assertEquals(List.of("/p0", "/p2"), rows.stream().map(SessionPageviewRow::path).toList());
    assertTrue(rows.stream().allMatch(row -> row.sign() == 1 && row.sessionStart() == 0 && row.durationMs() == 120_000
        && row.sessionPageviews() == 2 && row.exit().equals("/p2")), rows.toString());
    byte[] again = timeline.toBytes();
    assertEquals(VisitorTimeline.FORMAT, again[0]);
    assertFalse(VisitorTimeline.hasUnpublishedSessions(again));
  }

  /** A session followed by a newer one is over: its rows are written with the event that starts the newer one. */
  @Test
  void aSessionIsPublishedWhenTheVisitorsNextSessionStarts() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    timeline.add(pageview("a", 0, "/a"), GAP);
    timeline.add(pageview("b", GAP, "/b"), GAP);
    List<SessionPageviewRow> rows = timeline.add(pageview("c", 2 * GAP + 1, "/c"), GAP).pageviewRows();
    assertEquals(List.of(List.of(0L, "/a", 1), List.of(GAP, "/b", 1)),
        rows.stream().map(row -> List.<Object>of(row.ts(), row.path(), row.sign())).toList());
    assertTrue(rows.stream().allMatch(row -> row.entry().equals("/a") && row.exit().equals("/b") && row.durationMs() == GAP
        && row.sessionStart() == 0 && row.sessionPageviews() == 2));
  }

  /**
   * A late event that changes a published session retracts its rows exactly as written; the
   * sessions of that visitor then wait until it is idle, so a stream of late events into a long
   * session costs one retraction, not one per event.
   */
  @Test
  void lateEventsIntoAPublishedSessionRetractItOnceUntilTheVisitorIsIdle() {
    int n = 500;
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    Map<SessionPageviewRow, Long> net = new HashMap<>();
    List<SessionPageviewRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.addAll(timeline.add(pageview("p" + i, 2L * i * 60_000, "/p"), GAP).pageviewRows());
    }
    rows.addAll(timeline.add(pageview("next", 2L * n * 60_000 + 2 * GAP, "/next"), GAP).pageviewRows());
    assertEquals(n, rows.size(), "the long session is published when the next starts");
    for (int i = 0; i < n; i++) {
      rows.addAll(timeline.add(pageview("late" + i, (2L * i + 1) * 60_000, "/late"), GAP).pageviewRows());
    }
    assertEquals(2 * n, rows.size(), "published once, retracted once");
    assertEquals(n, rows.stream().filter(row -> row.sign() == -1).count());
    sum(net, rows);
    net.values().removeIf(sign -> sign == 0);
    assertEquals(Map.of(), net, "the retraction is exactly what was written");
    List<SessionPageviewRow> idle = timeline.publishAll(GAP);
    assertEquals(2 * n + 1, idle.size(), "the grown session and the newer one, once the visitor is idle");
  }

  /** An earlier pageview of the visitor changes only which session is its first: the published rows stay. */
  @Test
  void aSessionThatOnlyStopsBeingTheFirstIsNotRetracted() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    timeline.add(pageview("a", 10 * GAP, "/a"), GAP);
    List<SessionPageviewRow> published = timeline.add(pageview("b", 20 * GAP, "/b"), GAP).pageviewRows();
    assertEquals(1, published.size());
    VisitorTimeline.Change earlier = timeline.add(pageview("first", 0, "/first"), GAP);
    assertEquals(1, earlier.retracted().size(), "its session row changes: it no longer has the first view");
    assertEquals(List.of(), earlier.pageviewRows().stream().filter(row -> row.sign() == -1).toList());
  }

  /** Dropped sessions are over: trimming writes the rows of those not published yet, and forgets the published ones. */
  @Test
  void trimmingPublishesTheSessionsItDropsBeforeDroppingThem() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    timeline.add(pageview("a", 0, "/a", 0), GAP);
    List<SessionPageviewRow> first = timeline.add(pageview("b", 3 * GAP, "/b", 0), GAP).pageviewRows();
    assertEquals(List.of("/a"), first.stream().map(SessionPageviewRow::path).toList());
    timeline.add(pageview("c", 3 * GAP + 1, "/c", 0), GAP);
    timeline.add(pageview("d", 10 * GAP, "/d", 100), GAP);
    timeline.publishAll(GAP);
    timeline.add(pageview("e", 10 * GAP + 5, "/e", 100), GAP);

    VisitorTimeline.Trimmed trimmed = timeline.trim(50, GAP);
    assertEquals(3, trimmed.events());
    // /a was published, /b and /c were published when /d's session started: nothing of the dropped sessions again
    assertEquals(List.of(), trimmed.published());
    VisitorTimeline.Trimmed all = VisitorTimeline.fromBytes(timeline.toBytes()).trim(Long.MAX_VALUE, GAP);
    assertEquals(List.of(List.of("/d", 1), List.of("/e", 1)), all.published().stream().map(row -> List.<Object>of(row.path(), row.sign())).toList(),
        "the last session, changed since the idle publish, is published before it is dropped");

    VisitorTimeline unpublished = VisitorTimeline.empty("s", "w");
    unpublished.add(pageview("x", 0, "/x", 0), GAP);
    unpublished.add(pageview("y", 1, "/y", 0), GAP);
    assertEquals(List.of("/x", "/y"), unpublished.trim(1, GAP).published().stream().map(SessionPageviewRow::path).toList());
    assertFalse(VisitorTimeline.hasUnpublishedSessions(unpublished.toBytes()));
    assertEquals(0, VisitorTimeline.heldEvents(unpublished.toBytes()));
    assertEquals(VisitorTimeline.empty("s", "w").toBytes().length, unpublished.toBytes().length,
        "a stub is as small as an empty timeline: the dropped sessions are forgotten from the published ones too");
  }

  /** Refused events change nothing: no row, nothing published. */
  @Test
  void aRefusedEventWritesNoPageviewRows() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    timeline.add(pageview("a", 0, "/a", 0), GAP);
    timeline.add(pageview("b", 10 * GAP, "/b", 100), GAP);
    timeline.trim(50, GAP);
    VisitorTimeline.Change tooLate = timeline.add(pageview("late", GAP, "/late", 101), GAP);
    assertEquals(VisitorTimeline.Refusal.TOO_LATE, tooLate.refusal());
    assertEquals(List.of(), tooLate.pageviewRows());
    VisitorTimeline.Change held = timeline.add(pageview("b", 10 * GAP, "/b", 102), GAP);
    assertEquals(VisitorTimeline.Refusal.HELD, held.refusal());
    assertEquals(List.of(), held.pageviewRows());
  }

  private static void sum(Map<SessionPageviewRow, Long> net, List<SessionPageviewRow> rows) {
    rows.forEach(row -> net.merge(row.withSign(1), (long) row.sign(), Long::sum));
  }

  /** Per identical row and per pageview (a visitor's pageview times are distinct here): 0 or 1. */
  private static void assertEachPageviewCountsAtMostOnce(Map<SessionPageviewRow, Long> net, String where) {
    Map<String, Long> perPageview = new HashMap<>();
    net.forEach((row, sign) -> {
      assertTrue(sign == 0 || sign == 1, where + ": " + row + " sums to " + sign);
      perPageview.merge(row.site() + "/" + row.vid() + "@" + row.ts(), sign, Long::sum);
    });
    perPageview.forEach((pageview, sign) -> assertTrue(sign == 0 || sign == 1, where + ": pageview " + pageview + " sums to " + sign));
  }

  /** Three visitors, events in clusters a little under and over the gap apart (so late events merge sessions), distinct times per visitor. */
  private static List<CleanEvent> randomEvents(Random random) {
    List<CleanEvent> events = new ArrayList<>();
    for (int visitor = 0; visitor < 3; visitor++) {
      TreeSet<Long> times = new TreeSet<>();
      long t = random.nextInt(1000);
      int count = 1 + random.nextInt(25);
      while (times.size() < count) {
        t += random.nextInt(4) == 0 ? GAP - 60_000 + random.nextInt(120_000) : random.nextInt(600_000);
        times.add(t);
      }
      int i = 0;
      for (long ts : times) {
        String type = TYPES[random.nextInt(TYPES.length)];
        boolean pageview = type.equals("pageview");
        events.add(new CleanEvent("e" + visitor + "-" + i++, "s", type, ts, "v" + visitor, pageview ? PATHS[random.nextInt(PATHS.length)] : null,
            random.nextBoolean() ? "web" : "app", "false", null, pick(random, "mobile", "desktop"), pick(random, "Safari", "Chrome"),
            pick(random, "iOS", "Linux"), pick(random, "search.example", "news.example"), pick(random, "mail", "ads")));
      }
    }
    return events;
  }

  private static String pick(Random random, String a, String b) {
    int r = random.nextInt(3);
    return r == 0 ? null : r == 1 ? a : b;
  }

  /**
   * The rows by definition, apart from the sessioniser: sort each visitor's events, cut where the gap
   * is exceeded, keep the runs with a pageview, and give each of their pageviews the run's figures.
   */
  private static Map<SessionPageviewRow, Long> fromScratch(List<CleanEvent> events) {
    Map<String, List<CleanEvent>> byVisitor = new HashMap<>();
    events.forEach(event -> byVisitor.computeIfAbsent(event.site() + "/" + event.vid(), k -> new ArrayList<>()).add(event));
    Map<SessionPageviewRow, Long> rows = new HashMap<>();
    for (List<CleanEvent> visitorEvents : byVisitor.values()) {
      visitorEvents.sort(Comparator.comparingLong(CleanEvent::ts).thenComparing(CleanEvent::id));
      List<List<CleanEvent>> runs = new ArrayList<>();
      for (CleanEvent event : visitorEvents) {
        if (runs.isEmpty() || event.ts() - last(last(runs)).ts() > GAP) {
          runs.add(new ArrayList<>());
        }
        last(runs).add(event);
      }
      for (List<CleanEvent> run : runs) {
        List<CleanEvent> views = run.stream().filter(CleanEvent::isPageview).toList();
        if (views.isEmpty()) {
          continue;
        }
        CleanEvent entry = views.get(0);
        for (CleanEvent view : views) {
          rows.merge(new SessionPageviewRow(view.ts(), view.site(), view.vid(), 1, view.path(), run.get(0).ts(),
              last(run).ts() - run.get(0).ts(), views.size(), entry.path(), last(views).path(), entry.platform(),
              orElse(entry.refHost(), "(direct)"), orElse(entry.utmSource(), "(none)"), orElse(entry.device(), "Unknown"),
              orElse(entry.browser(), "Unknown"), orElse(entry.os(), "Unknown")), 1L, Long::sum);
        }
      }
    }
    return rows;
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  private static String orElse(String value, String absent) {
    return value == null ? absent : value;
  }

  private static VisitorTimeline.Entry pageview(String id, long ts, String path) {
    return pageview(id, ts, path, 0);
  }

  private static VisitorTimeline.Entry pageview(String id, long ts, String path, long arrived) {
    return VisitorTimeline.Entry.of(new CleanEvent(id, "s", "pageview", ts, "v", path, "web", "false", null, null, null, null, null, null),
        arrived);
  }
}
