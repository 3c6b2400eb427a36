package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.report.PageCount;
import com.clozette.analytics.aggregator.report.Report;
import com.clozette.analytics.aggregator.report.ReportQuery;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RULES.md written out the simplest way, over all events in memory: the oracle the store's
 * incremental sessions and rollups are checked against.
 */
final class ReferenceReport {
  private ReferenceReport() {}

  private record Session(long start, long end, int pageviews, String entry, String exit) {}

  static Report report(List<Event> events, ReportQuery query, long gapMillis) {
    Map<String, Event> unique = new LinkedHashMap<>();
    for (Event event : events) {
      unique.putIfAbsent(event.site() + "\0" + event.id(), event);
    }
    long from = query.from().toEpochMilli();
    long to = query.to().toEpochMilli();
    Map<String, List<Event>> byVisitor = new HashMap<>();
    long pageviews = 0;
    Set<String> visitors = new HashSet<>();
    Map<String, Long> viewsByPath = new HashMap<>();
    for (Event event : unique.values()) {
      if (event.bot() || !event.site().equals(query.site())) {
        continue;
      }
      byVisitor.computeIfAbsent(event.vid(), v -> new ArrayList<>()).add(event);
      if (event.type() == EventType.PAGEVIEW && event.ts() >= from && event.ts() < to) {
        pageviews++;
        visitors.add(event.vid());
        viewsByPath.merge(event.path(), 1L, Long::sum);
      }
    }
    List<Session> sessions = new ArrayList<>();
    for (List<Event> visits : byVisitor.values()) {
      visits.sort(Comparator.comparingLong(Event::ts).thenComparing(Event::id));
      List<Event> run = new ArrayList<>();
      for (Event event : visits) {
        if (!run.isEmpty() && event.ts() - run.get(run.size() - 1).ts() > gapMillis) {
          addSession(run, sessions);
          run = new ArrayList<>();
        }
        run.add(event);
      }
      addSession(run, sessions);
    }
    long count = 0;
    long totalMillis = 0;
    long bounces = 0;
    Map<String, Long> entries = new HashMap<>();
    Map<String, Long> exits = new HashMap<>();
    for (Session session : sessions) {
      if (session.start() >= from && session.start() < to) {
        count++;
        totalMillis += session.end() - session.start();
        bounces += session.pageviews() == 1 ? 1 : 0;
        entries.merge(session.entry(), 1L, Long::sum);
        exits.merge(session.exit(), 1L, Long::sum);
      }
    }
    double seconds = totalMillis / 1000.0;
    return new Report(query.site(), query.from().toString(), query.to().toString(), pageviews, visitors.size(), count,
        count == 0 ? 0.0 : Report.round6(seconds / count),
        visitors.isEmpty() ? 0.0 : Report.round6(seconds / visitors.size()),
        count == 0 ? 0.0 : Report.round6((double) bounces / count),
        top(entries, query.top(), null), top(exits, query.top(), viewsByPath));
  }

  /**
   * The start of the session holding each counted event (runs of a visitor's events with no gap over
   * the session gap, pageviews or not), by site and event id; the first copy of an id wins.
   */
  static Map<String, Long> sessionStarts(List<Event> events, long gapMillis) {
    Map<String, Event> unique = new LinkedHashMap<>();
    for (Event event : events) {
      unique.putIfAbsent(event.site() + "\0" + event.id(), event);
    }
    Map<String, List<Event>> byVisitor = new HashMap<>();
    for (Event event : unique.values()) {
      if (!event.bot()) {
        byVisitor.computeIfAbsent(event.site() + "\0" + event.vid(), v -> new ArrayList<>()).add(event);
      }
    }
    Map<String, Long> starts = new HashMap<>();
    for (List<Event> visits : byVisitor.values()) {
      visits.sort(Comparator.comparingLong(Event::ts).thenComparing(Event::id));
      long start = visits.get(0).ts();
      long last = start;
      for (Event event : visits) {
        if (event.ts() - last > gapMillis) {
          start = event.ts();
        }
        last = event.ts();
        starts.put(event.site() + "\0" + event.id(), start);
      }
    }
    return starts;
  }

  private static void addSession(List<Event> run, List<Session> sessions) {
    List<Event> views = run.stream().filter(e -> e.type() == EventType.PAGEVIEW).toList();
    if (views.isEmpty()) {
      return;
    }
    sessions.add(new Session(run.get(0).ts(), run.get(run.size() - 1).ts(), views.size(),
        views.get(0).path(), views.get(views.size() - 1).path()));
  }

  /** A page can be a session's exit with all its pageviews after the range: that rate is 0, not infinite. */
  private static double exitRate(long exits, long views) {
    return views == 0 ? 0.0 : Report.round6((double) exits / views);
  }

  private static List<PageCount> top(Map<String, Long> counts, int top, Map<String, Long> views) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(top)
        .map(e -> new PageCount(e.getKey(), e.getValue(), views == null ? null : exitRate(e.getValue(), views.getOrDefault(e.getKey(), 0L))))
        .toList();
  }
}
