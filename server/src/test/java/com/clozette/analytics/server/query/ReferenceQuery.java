package com.clozette.analytics.server.query;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventType;
import com.clozette.analytics.event.Urls;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * docs/QUERY.md written out the plainest way, over all events in memory, sharing no code with the
 * server's query model or store: sessions by RULES.md's gap rule, every pageview with its session's
 * attributes, filters evaluated one pageview at a time, metrics added up row by row. The oracle the
 * query API's answers are compared with. Takes requests with explicit ranges (dates or instants)
 * and compare {@code previous_period} or an explicit range.
 */
final class ReferenceQuery {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Session(String vid, long start, long end, int pageviews, List<Event> views, Map<String, String> attributes) {}

  /** A pageview with the attributes it is filtered and grouped by. */
  private record View(Event event, Session session) {
    String value(String dimension) {
      return dimension.equals("page") ? event.path() : session.attributes().get(dimension);
    }
  }

  private final List<View> views = new ArrayList<>();
  private final List<Session> sessions = new ArrayList<>();

  ReferenceQuery(List<Event> events, String site, long gapMillis) {
    Map<String, Event> unique = new LinkedHashMap<>();
    for (Event event : events) {
      unique.putIfAbsent(event.site() + "\0" + event.id(), event);
    }
    Map<String, List<Event>> byVisitor = new HashMap<>();
    for (Event event : unique.values()) {
      if (!event.bot() && event.site().equals(site)) {
        byVisitor.computeIfAbsent(event.vid(), v -> new ArrayList<>()).add(event);
      }
    }
    for (List<Event> visits : byVisitor.values()) {
      visits.sort(Comparator.comparingLong(Event::ts).thenComparing(Event::id));
      List<Event> run = new ArrayList<>();
      for (Event event : visits) {
        if (!run.isEmpty() && event.ts() - run.get(run.size() - 1).ts() > gapMillis) {
          addSession(run);
          run = new ArrayList<>();
        }
        run.add(event);
      }
      addSession(run);
    }
  }

  private void addSession(List<Event> run) {
    List<Event> pageviews = run.stream().filter(e -> e.type() == EventType.PAGEVIEW).toList();
    if (pageviews.isEmpty()) {
      return;
    }
    Event first = pageviews.get(0);
    Map<String, String> attributes = new HashMap<>();
    attributes.put("entry", first.path());
    attributes.put("exit", pageviews.get(pageviews.size() - 1).path());
    String referrer = Urls.host(first.ref());
    attributes.put("referrer", referrer == null ? "(direct)" : referrer);
    String source = Urls.queryParameter(first.url(), "utm_source");
    attributes.put("utm_source", source == null ? "(none)" : source);
    attributes.put("platform", first.platform().wireName());
    attributes.put("device", first.device() == null ? "Unknown" : first.device());
    attributes.put("browser", first.browser() == null ? "Unknown" : first.browser());
    attributes.put("os", first.os() == null ? "Unknown" : first.os());
    Session session = new Session(first.vid(), run.get(0).ts(), run.get(run.size() - 1).ts(), pageviews.size(), pageviews, attributes);
    sessions.add(session);
    pageviews.forEach(view -> views.add(new View(view, session)));
  }

  /** The answer's rows and totalRows: {@code {"results": [...], "totalRows": n}} in the API's shape. */
  ObjectNode answer(JsonNode request, ZoneId zone) {
    Instant from = instant(request.get("dateRange").get(0).asText(), zone, false);
    Instant to = instant(request.get("dateRange").get(1).asText(), zone, true);
    List<String> metrics = texts(request.get("metrics"));
    List<String> dimensions = request.has("dimensions") ? texts(request.get("dimensions")) : List.of();
    String time = dimensions.stream().filter(d -> d.startsWith("time:")).findFirst().orElse(null);
    List<Instant[]> buckets = buckets(from, to, time, zone);
    Map<List<String>, Counts> main = rows(request, dimensions, buckets);
    Map<List<String>, Counts> other = null;
    List<Instant[]> otherBuckets = null;
    JsonNode compare = request.get("compare");
    if (compare != null) {
      Instant otherFrom;
      Instant otherTo;
      if (compare.isTextual()) {
        otherFrom = from.minusMillis(to.toEpochMilli() - from.toEpochMilli());
        otherTo = from;
      } else {
        otherFrom = instant(compare.get(0).asText(), zone, false);
        otherTo = instant(compare.get(1).asText(), zone, true);
      }
      otherBuckets = buckets(otherFrom, otherTo, time, zone);
      other = rows(request, dimensions, otherBuckets);
    }
    if (dimensions.stream().allMatch(d -> d.startsWith("time:"))) {
      for (int i = 0; i < buckets.size(); i++) {
        main.computeIfAbsent(time == null ? List.of() : List.of(Integer.toString(i)), k -> new Counts());
      }
    }
    List<Map.Entry<List<String>, Counts>> ordered = new ArrayList<>(main.entrySet());
    ordered.sort(order(request, metrics, dimensions, time));
    int offset = request.path("offset").asInt(0);
    int limit = request.path("limit").asInt(100);
    ArrayNode results = JSON.createArrayNode();
    for (Map.Entry<List<String>, Counts> row : ordered.subList(Math.min(offset, ordered.size()), Math.min(ordered.size(), offset + limit))) {
      ObjectNode result = results.addObject();
      result.set("dimensions", labels(row.getKey(), dimensions, buckets));
      result.set("metrics", values(row.getValue(), metrics));
      if (other != null) {
        ObjectNode comparison = result.putObject("comparison");
        comparison.set("dimensions", labels(row.getKey(), dimensions, otherBuckets));
        comparison.set("metrics", values(other.getOrDefault(row.getKey(), new Counts()), metrics));
      }
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.set("results", results);
    answer.put("totalRows", ordered.size());
    return answer;
  }

  /** What a row adds up. */
  private static final class Counts {
    long pageviews;
    final Set<String> visitors = new HashSet<>();
    final Set<Session> sessions = new HashSet<>();
    long exits;
  }

  /** Row keys: the dimension values in order, the time dimension as the bucket's position. */
  private Map<List<String>, Counts> rows(JsonNode request, List<String> dimensions, List<Instant[]> buckets) {
    Map<List<String>, Counts> rows = new HashMap<>();
    long from = buckets.get(0)[0].toEpochMilli();
    long to = buckets.get(buckets.size() - 1)[1].toEpochMilli();
    for (View view : views) {
      if (!matches(request.get("filters"), view)) {
        continue;
      }
      long ts = view.event().ts();
      if (ts >= from && ts < to) {
        Counts counts = rows.computeIfAbsent(key(view, dimensions, bucketOf(ts, buckets)), k -> new Counts());
        counts.pageviews++;
        counts.visitors.add(view.event().vid());
      }
      long start = view.session().start();
      if (start >= from && start < to) {
        Counts counts = rows.computeIfAbsent(key(view, dimensions, bucketOf(start, buckets)), k -> new Counts());
        counts.sessions.add(view.session());
      }
    }
    if (dimensions.contains("page")) {
      int page = dimensions.indexOf("page");
      rows.forEach((key, counts) -> counts.exits = counts.sessions.stream().filter(s -> s.attributes().get("exit").equals(key.get(page))).count());
    }
    return rows;
  }

  private static List<String> key(View view, List<String> dimensions, int bucket) {
    List<String> key = new ArrayList<>();
    for (String dimension : dimensions) {
      key.add(dimension.startsWith("time:") ? Integer.toString(bucket) : view.value(dimension));
    }
    return key;
  }

  private static int bucketOf(long ts, List<Instant[]> buckets) {
    for (int i = 0; i < buckets.size(); i++) {
      if (ts >= buckets.get(i)[0].toEpochMilli() && ts < buckets.get(i)[1].toEpochMilli()) {
        return i;
      }
    }
    throw new IllegalStateException("no bucket holds " + ts);
  }

  /** The top-level list is an and; an absent list lets everything through. */
  private static boolean matches(JsonNode filters, View view) {
    if (filters == null) {
      return true;
    }
    for (JsonNode filter : filters) {
      if (!holds(filter, view)) {
        return false;
      }
    }
    return true;
  }

  private static boolean holds(JsonNode filter, View view) {
    String op = filter.get(0).asText();
    switch (op) {
      case "and": {
        for (JsonNode part : filter.get(1)) {
          if (!holds(part, view)) {
            return false;
          }
        }
        return true;
      }
      case "or": {
        for (JsonNode part : filter.get(1)) {
          if (holds(part, view)) {
            return true;
          }
        }
        return false;
      }
      case "not":
        return !holds(filter.get(1), view);
      default:
        String value = view.value(filter.get(1).asText());
        boolean equalsOne = false;
        boolean holdsOne = false;
        for (JsonNode candidate : filter.get(2)) {
          equalsOne |= value.equals(candidate.asText());
          holdsOne |= value.indexOf(candidate.asText()) >= 0;
        }
        return switch (op) {
          case "is" -> equalsOne;
          case "is_not" -> !equalsOne;
          case "contains" -> holdsOne;
          case "contains_not" -> !holdsOne;
          default -> throw new IllegalArgumentException(op);
        };
    }
  }

  private static double metric(Counts counts, String metric) {
    long sessions = counts.sessions.size();
    long seconds1000 = counts.sessions.stream().mapToLong(s -> s.end() - s.start()).sum();
    long bounces = counts.sessions.stream().filter(s -> s.pageviews() == 1).count();
    return switch (metric) {
      case "pageviews" -> counts.pageviews;
      case "visitors" -> counts.visitors.size();
      case "sessions" -> sessions;
      case "avgSessionSeconds" -> rate(seconds1000 / 1000.0, sessions);
      case "avgTimePerVisitorSeconds" -> rate(seconds1000 / 1000.0, counts.visitors.size());
      case "bounceRate" -> rate(bounces, sessions);
      case "viewsPerSession" -> rate(counts.pageviews, sessions);
      case "exitRate" -> rate(counts.exits, counts.pageviews);
      default -> throw new IllegalArgumentException(metric);
    };
  }

  private static double rate(double amount, long units) {
    return units == 0 ? 0.0 : Math.round(amount / units * 1e6) / 1e6;
  }

  private static ArrayNode values(Counts counts, List<String> metrics) {
    ArrayNode values = JSON.createArrayNode();
    metrics.forEach(metric -> values.add(metric(counts, metric)));
    return values;
  }

  private static ArrayNode labels(List<String> key, List<String> dimensions, List<Instant[]> buckets) {
    ArrayNode labels = JSON.createArrayNode();
    for (int i = 0; i < dimensions.size(); i++) {
      if (dimensions.get(i).startsWith("time:")) {
        int bucket = Integer.parseInt(key.get(i));
        if (bucket < buckets.size()) {
          labels.add(buckets.get(bucket)[0].toString());
        } else {
          labels.addNull();
        }
      } else {
        labels.add(key.get(i));
      }
    }
    return labels;
  }

  /** orderBy, then time ascending or the first metric descending, then every dimension ascending. */
  private Comparator<Map.Entry<List<String>, Counts>> order(JsonNode request, List<String> metrics, List<String> dimensions, String time) {
    List<String[]> keys = new ArrayList<>();
    for (JsonNode order : request.path("orderBy")) {
      keys.add(new String[] {order.get(0).asText(), order.get(1).asText()});
    }
    keys.add(time != null ? new String[] {time, "asc"} : new String[] {metrics.get(0), "desc"});
    dimensions.forEach(dimension -> keys.add(new String[] {dimension, "asc"}));
    Comparator<Map.Entry<List<String>, Counts>> order = (a, b) -> 0;
    for (String[] key : keys) {
      int index = dimensions.indexOf(key[0]);
      Comparator<Map.Entry<List<String>, Counts>> one;
      if (index < 0) {
        one = Comparator.comparingDouble(row -> metric(row.getValue(), key[0]));
      } else if (key[0].startsWith("time:")) {
        one = Comparator.comparingInt(row -> Integer.parseInt(row.getKey().get(index)));
      } else {
        one = Comparator.comparing(row -> row.getKey().get(index));
      }
      order = order.thenComparing(key[1].equals("desc") ? one.reversed() : one);
    }
    return order;
  }

  private static List<String> texts(JsonNode list) {
    List<String> texts = new ArrayList<>();
    list.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  /** A date is its day's start, or as an end its day's end; an instant is itself. */
  private static Instant instant(String text, ZoneId zone, boolean end) {
    if (text.length() == 10) {
      LocalDate date = LocalDate.parse(text);
      return (end ? date.plusDays(1) : date).atStartOfDay(zone).toInstant();
    }
    return Instant.parse(text);
  }

  /** [start, end) pairs: one per interval in the zone, clipped to the range, or the whole range without time. */
  private static List<Instant[]> buckets(Instant from, Instant to, String time, ZoneId zone) {
    List<Instant[]> buckets = new ArrayList<>();
    if (time == null) {
      buckets.add(new Instant[] {from, to});
      return buckets;
    }
    ZonedDateTime start = from.atZone(zone);
    start = switch (time) {
      case "time:hour" -> start.truncatedTo(ChronoUnit.HOURS);
      case "time:day" -> start.truncatedTo(ChronoUnit.DAYS);
      case "time:week" -> start.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      default -> start.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
    };
    while (start.toInstant().isBefore(to)) {
      ZonedDateTime next = switch (time) {
        case "time:hour" -> start.plusHours(1);
        case "time:day" -> start.plusDays(1);
        case "time:week" -> start.plusWeeks(1);
        default -> start.plusMonths(1);
      };
      Instant bucketStart = start.toInstant().isBefore(from) ? from : start.toInstant();
      Instant bucketEnd = next.toInstant().isAfter(to) ? to : next.toInstant();
      buckets.add(new Instant[] {bucketStart, bucketEnd});
      start = next;
    }
    return buckets;
  }
}
