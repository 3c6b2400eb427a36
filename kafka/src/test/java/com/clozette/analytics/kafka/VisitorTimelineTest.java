package com.clozette.analytics.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.enrich.UserAgentInfo;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventParser;
import com.clozette.analytics.event.InvalidEventException;
import com.clozette.analytics.golden.GoldenData;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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
    assertGolden(rowsFor(goldenEvents()));
  }

  @Test
  void signedSessionRowsSumToTheGoldenSessionsInAnyArrivalOrder() {
    for (long seed = 1; seed <= 3; seed++) {
      List<Event> events = goldenEvents();
      Collections.shuffle(events, new Random(seed));
      assertGolden(rowsFor(events));
    }
  }

  @Test
  void aLateEventBridgingTwoSessionsRetractsBothAndWritesTheMergedOne() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    timeline.add(new VisitorTimeline.Entry(0, "a", "/a"), GAP);
    timeline.add(new VisitorTimeline.Entry(2 * GAP, "c", "/c"), GAP);
    VisitorTimeline.Change change = timeline.add(new VisitorTimeline.Entry(GAP, "b", null), GAP);
    assertEquals(List.of(-1, -1), change.retracted().stream().map(SessionRow::sign).toList());
    assertEquals(1, change.added().size());
    SessionRow merged = change.added().get(0);
    assertEquals(List.of(0L, 2 * GAP, 2, "/a", "/c"), List.of(merged.ts(), merged.durationMs(), merged.pageviews(), merged.entry(), merged.exit()));
  }

  @Test
  void aTimelineSurvivesItsStoredForm() {
    VisitorTimeline timeline = VisitorTimeline.empty("s", "v");
    timeline.add(new VisitorTimeline.Entry(5, "x", "/p"), GAP);
    timeline.add(new VisitorTimeline.Entry(9, "y", null), GAP);
    assertEquals(timeline.sessions(GAP), VisitorTimeline.fromBytes(timeline.toBytes()).sessions(GAP));
  }

  /** The counted events of the golden set: parsed, bots dropped, one copy of each (site, id). */
  private static List<Event> goldenEvents() {
    EventParser parser = new EventParser(new ObjectMapper(), GoldenData.SITES);
    UserAgentClassifier userAgents = new UserAgentClassifier(1000);
    Set<String> seen = new HashSet<>();
    List<Event> events = new ArrayList<>();
    for (String line : GoldenData.eventLines()) {
      try {
        Event event = parser.parse(line);
        UserAgentInfo client = userAgents.classify(event.ua());
        if (!client.bot() && seen.add(event.site() + "/" + event.id())) {
          events.add(event);
        }
      } catch (InvalidEventException rejected) {
        // the nine malformed lines: import rejects them before they reach Kafka
      }
    }
    return events;
  }

  private static List<SessionRow> rowsFor(List<Event> events) {
    Map<String, VisitorTimeline> timelines = new HashMap<>();
    List<SessionRow> rows = new ArrayList<>();
    for (Event event : events) {
      VisitorTimeline timeline = timelines.computeIfAbsent(EventKeys.visitor(event), key -> VisitorTimeline.empty(event.site(), event.vid()));
      VisitorTimeline.Change change = timeline.add(new VisitorTimeline.Entry(event.ts(), event.id(),
          event.type() == com.clozette.analytics.event.EventType.PAGEVIEW ? event.path() : null), GAP);
      rows.addAll(change.retracted());
      rows.addAll(change.added());
    }
    return rows;
  }

  private static void assertGolden(List<SessionRow> rows) {
    for (GoldenData.Query query : GoldenData.queries()) {
      long from = Instant.parse(query.from()).toEpochMilli();
      long to = Instant.parse(query.to()).toEpochMilli();
      long sessions = 0;
      long duration = 0;
      long bounces = 0;
      Map<String, Long> entries = new HashMap<>();
      for (SessionRow row : rows) {
        if (row.site().equals(query.site()) && row.ts() >= from && row.ts() < to) {
          sessions += row.sign();
          duration += (long) row.sign() * row.durationMs();
          bounces += (long) row.sign() * row.bounce();
          entries.merge(row.entry(), (long) row.sign(), Long::sum);
        }
      }
      var expected = query.expected();
      assertEquals(expected.get("sessions").asLong(), sessions, query.toString());
      double avg = sessions == 0 ? 0 : duration / 1000.0 / sessions;
      assertEquals(expected.get("avgSessionSeconds").asDouble(), avg, 1e-6, query.toString());
      assertEquals(expected.get("bounceRate").asDouble(), sessions == 0 ? 0 : (double) bounces / sessions, 1e-6, query.toString());
      for (var entry : expected.get("entryPages")) {
        assertEquals(entry.get("sessions").asLong(), entries.getOrDefault(entry.get("path").asText(), 0L), query + " entry " + entry);
      }
    }
  }
}
