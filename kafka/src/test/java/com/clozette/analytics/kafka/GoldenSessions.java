package com.clozette.analytics.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.golden.GoldenData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The golden set as the stream processor sees it, and its session figures (expected.json) as sums
 * over signed session rows, its pageviews as sums over signed session pageview rows: for the
 * sessioniser's unit test and the real-Kafka restart test alike.
 */
public final class GoldenSessions {
  private GoldenSessions() {}

  /** The counted events: accepted, not bots, one copy of each (site, id). */
  public static List<Event> countedEvents() {
    Set<String> seen = new HashSet<>();
    return new ArrayList<>(GoldenData.acceptedEvents().stream().filter(event -> !event.bot() && seen.add(event.site() + "/" + event.id())).toList());
  }

  /** Fails naming the first query whose sessions, durations, bounces, entry or exit pages the rows do not sum to. */
  public static void assertSums(Collection<SessionRow> rows) {
    List<String> mismatches = mismatches(rows);
    assertEquals(List.of(), mismatches.isEmpty() ? List.of() : mismatches.subList(0, 1));
  }

  /** What the rows get wrong against expected.json, empty when nothing. */
  public static List<String> mismatches(Collection<SessionRow> rows) {
    List<String> mismatches = new ArrayList<>();
    for (GoldenData.Query query : GoldenData.queries()) {
      long from = Instant.parse(query.from()).toEpochMilli();
      long to = Instant.parse(query.to()).toEpochMilli();
      long sessions = 0;
      long duration = 0;
      long bounces = 0;
      Map<String, Long> entries = new HashMap<>();
      Map<String, Long> exits = new HashMap<>();
      for (SessionRow row : rows) {
        if (row.site().equals(query.site()) && row.ts() >= from && row.ts() < to) {
          sessions += row.sign();
          duration += (long) row.sign() * row.durationMs();
          bounces += (long) row.sign() * row.bounce();
          entries.merge(row.entry(), (long) row.sign(), Long::sum);
          exits.merge(row.exit(), (long) row.sign(), Long::sum);
        }
      }
      var expected = query.expected();
      double avg = sessions == 0 ? 0 : duration / 1000.0 / sessions;
      double bounceRate = sessions == 0 ? 0 : (double) bounces / sessions;
      check(mismatches, query + " sessions", expected.get("sessions").asLong(), sessions);
      if (Math.abs(expected.get("avgSessionSeconds").asDouble() - avg) > 1e-6) {
        mismatches.add(query + " avgSessionSeconds: expected " + expected.get("avgSessionSeconds") + ", summed " + avg);
      }
      if (Math.abs(expected.get("bounceRate").asDouble() - bounceRate) > 1e-6) {
        mismatches.add(query + " bounceRate: expected " + expected.get("bounceRate") + ", summed " + bounceRate);
      }
      for (var entry : expected.get("entryPages")) {
        check(mismatches, query + " entry " + entry.get("path"), entry.get("sessions").asLong(), entries.getOrDefault(entry.get("path").asText(), 0L));
      }
      for (var exit : expected.get("exitPages")) {
        check(mismatches, query + " exit " + exit.get("path"), exit.get("sessions").asLong(), exits.getOrDefault(exit.get("path").asText(), 0L));
      }
    }
    return mismatches;
  }

  /**
   * What signed session pageview rows get wrong: a row or a pageview (site, visitor, time) whose signs
   * do not sum to 0 or 1, or a query whose pageviews they do not sum to (each counted pageview's
   * session published once); empty when nothing.
   */
  public static List<String> pageviewMismatches(Collection<SessionPageviewRow> rows) {
    List<String> mismatches = new ArrayList<>();
    Map<SessionPageviewRow, Long> net = new HashMap<>();
    Map<String, Long> perPageview = new HashMap<>();
    for (SessionPageviewRow row : rows) {
      net.merge(row.withSign(1), (long) row.sign(), Long::sum);
      perPageview.merge(row.site() + "/" + row.vid() + "@" + row.ts() + row.path(), (long) row.sign(), Long::sum);
    }
    net.forEach((row, sign) -> {
      if (sign != 0 && sign != 1) {
        mismatches.add(row + " sums to " + sign);
      }
    });
    perPageview.forEach((pageview, sign) -> {
      if (sign != 0 && sign != 1) {
        mismatches.add("pageview " + pageview + " sums to " + sign);
      }
    });
    for (GoldenData.Query query : GoldenData.queries()) {
      long from = Instant.parse(query.from()).toEpochMilli();
      long to = Instant.parse(query.to()).toEpochMilli();
      long pageviews = 0;
      for (SessionPageviewRow row : rows) {
        if (row.site().equals(query.site()) && row.ts() >= from && row.ts() < to) {
          pageviews += row.sign();
        }
      }
      check(mismatches, query + " pageviews", query.expected().get("pageviews").asLong(), pageviews);
    }
    return mismatches;
  }

  private static void check(List<String> mismatches, String what, long expected, long summed) {
    if (expected != summed) {
      mismatches.add(what + ": expected " + expected + ", summed " + summed);
    }
  }
}
