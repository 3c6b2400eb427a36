package com.clozette.analytics.aggregator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.aggregator.report.Queries;
import com.clozette.analytics.aggregator.report.Report;
import com.clozette.analytics.aggregator.report.ReportQuery;
import com.clozette.analytics.aggregator.report.Results;
import com.clozette.analytics.enrich.BotSource;
import com.clozette.analytics.enrich.UserAgentInfo;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventType;
import com.clozette.analytics.event.Platform;
import com.clozette.analytics.log.LogPosition;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store against the rules written out naively: random traffic stored in random order and
 * batches must report exactly what sessionising everything from scratch reports, for ranges that
 * cut hours at random places (rollups plus edges) and for ranges inside one hour (edges only).
 */
class DuckDbStoreTest extends FreshStore {
  private static final String SITE = "clozette-id";

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void randomTrafficInRandomOrderAndBatchesReportsWhatTheRulesSay(long seed) {
    Random random = new Random(seed);
    List<Event> events = randomTraffic(random, 2500);
    List<Event> arrival = new ArrayList<>(events);
    arrival.addAll(events.subList(0, 200));
    Collections.shuffle(arrival, random);
    int stored = 0;
    for (int start = 0; start < arrival.size(); ) {
      int size = 1 + random.nextInt(400);
      stored += store.insert(arrival.subList(start, Math.min(arrival.size(), start + size)), null).accepted();
      start += size;
    }
    assertEquals(events.stream().map(Event::id).distinct().count(), stored);

    for (int i = 0; i < 25; i++) {
      long from = T0 + (long) (random.nextDouble() * 3 * 86_400_000L);
      long length = i % 3 == 0 ? 1 + random.nextInt(3_000_000) : (long) (random.nextDouble() * 2 * 86_400_000L) + 1;
      assertSameReport(events, new ReportQuery(SITE, Instant.ofEpochMilli(from), Instant.ofEpochMilli(from + length), 1 + random.nextInt(8)));
    }
    assertSameReport(events, new ReportQuery(SITE, Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 4 * 86_400_000L), 10));
  }

  /**
   * Live traffic and imports arrive mostly in time order, a visitor's events after its stored ones:
   * such batches extend the latest session from its own row without reading the stored events, and
   * must still report what sessionising everything from scratch reports. A few copies and a few late
   * events are mixed in, as retries and slow networks bring them.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {4, 5, 6})
  void trafficInTimeOrderInSmallBatchesReportsWhatTheRulesSay(long seed) throws Exception {
    Random random = new Random(seed);
    List<Event> events = randomTraffic(random, 2500);
    List<Event> arrival = new ArrayList<>(events);
    arrival.sort(java.util.Comparator.comparingLong(Event::ts));
    for (int i = 0; i < 20; i++) {
      arrival.add(random.nextInt(arrival.size()), events.get(random.nextInt(events.size())));
    }
    for (int start = 0; start < arrival.size(); ) {
      int size = 1 + random.nextInt(60);
      store.insert(arrival.subList(start, Math.min(arrival.size(), start + size)), null);
      start += size;
    }
    for (int i = 0; i < 25; i++) {
      long from = T0 + (long) (random.nextDouble() * 3 * 86_400_000L);
      long length = i % 3 == 0 ? 1 + random.nextInt(3_000_000) : (long) (random.nextDouble() * 2 * 86_400_000L) + 1;
      assertSameReport(events, new ReportQuery(SITE, Instant.ofEpochMilli(from), Instant.ofEpochMilli(from + length), 1 + random.nextInt(8)));
    }
    assertEquals(ReferenceReport.sessionStarts(events, GAP), storedSessionStarts());
  }

  /** What a query joins an event to its session by, in whatever order and batches the events came. */
  @Test
  void everyCountedEventKnowsTheStartOfItsSessionWhateverTheArrival() throws Exception {
    Random random = new Random(7);
    List<Event> events = randomTraffic(random, 1500);
    List<Event> arrival = new ArrayList<>(events);
    Collections.shuffle(arrival, random);
    for (int start = 0; start < arrival.size(); ) {
      int size = 1 + random.nextInt(200);
      store.insert(arrival.subList(start, Math.min(arrival.size(), start + size)), null);
      start += size;
    }
    assertEquals(ReferenceReport.sessionStarts(events, GAP), storedSessionStarts());
  }

  /**
   * Stores of version 4, made before events knew their session and sessions their first and last
   * pageview, get both at open, as if stored now, and later events merge with their sessions exactly.
   */
  @Test
  void aStoreMadeBeforeSessionStartsGetsThemAtOpen() throws Exception {
    Random random = new Random(8);
    List<Event> events = randomTraffic(random, 800);
    store.insert(events, null);
    store.close();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("store.duckdb").toAbsolutePath());
        Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE events DROP COLUMN session_start");
      for (String column : List.of("entry_ts", "entry_id", "exit_ts", "exit_id")) {
        statement.execute("ALTER TABLE sessions DROP COLUMN " + column);
      }
      statement.execute("UPDATE store_meta SET value = '4' WHERE key = 'schema_version'");
    }
    store = DuckDbStore.open(vertx, dir.resolve("store.duckdb"), StoreSettings.defaults(2, GAP));

    assertEquals(ReferenceReport.sessionStarts(events, GAP), storedSessionStarts());
    Random later = new Random(9);
    List<Event> more = randomTraffic(later, 600, "later-");
    for (int start = 0; start < more.size(); start += 50) {
      store.insert(more.subList(start, start + 50), null);
    }
    List<Event> all = new ArrayList<>(events);
    all.addAll(more);
    assertEquals(ReferenceReport.sessionStarts(all, GAP), storedSessionStarts());
    for (int day = 0; day < 3; day++) {
      long from = T0 + day * 86_400_000L;
      assertSameReport(all, new ReportQuery(SITE, Instant.ofEpochMilli(from), Instant.ofEpochMilli(from + 86_400_000L), 10));
    }
  }

  private java.util.Map<String, Long> storedSessionStarts() throws Exception {
    return store.withReader(connection -> {
      java.util.Map<String, Long> starts = new java.util.HashMap<>();
      try (Statement statement = connection.createStatement();
          java.sql.ResultSet rows = statement.executeQuery("SELECT site, id, session_start FROM events WHERE NOT bot")) {
        while (rows.next()) {
          starts.put(rows.getString(1) + "\0" + rows.getString(2), rows.getObject(3) == null ? null : rows.getLong(3));
        }
      }
      return starts;
    });
  }

  /** Stores of version 5 kept the batches' arrival times, which de-duplication no longer counts from: they go at open. */
  @Test
  void aStoreThatKeptBatchArrivalsLosesThemAtOpenAndKeepsItsEvents() throws Exception {
    store.insert(List.of(view("a", T0, "/")), null);
    store.close();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("store.duckdb").toAbsolutePath());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE batch_arrivals (batch BIGINT NOT NULL, arrived BIGINT NOT NULL)");
      statement.execute("INSERT INTO batch_arrivals VALUES (1, " + T0 + ")");
      statement.execute("UPDATE store_meta SET value = '5' WHERE key = 'schema_version'");
    }
    store = DuckDbStore.open(vertx, dir.resolve("store.duckdb"), StoreSettings.defaults(2, GAP));

    assertEquals(List.of("6", "0"), store.withReader(connection -> {
      try (Statement statement = connection.createStatement();
          java.sql.ResultSet row = statement.executeQuery("SELECT (SELECT value FROM store_meta WHERE key = 'schema_version'), "
              + "(SELECT count(*) FROM information_schema.tables WHERE table_name = 'batch_arrivals')::VARCHAR")) {
        row.next();
        return List.of(row.getString(1), row.getString(2));
      }
    }));
    assertEquals(new IngestResult(1, 1), store.insert(List.of(view("a", T0, "/"), view("b", T0 + 1, "/")), null));
  }

  /** Stores of version 3, made before bot_source, are upgraded at open; their bots keep a null rule, shown as unknown. */
  @Test
  void aStoreMadeBeforeBotSourceGetsTheColumnAndShowsItsBotsApart() throws Exception {
    Event crawler = view("old", T0, "/a").withUserAgent(new UserAgentInfo(BotSource.YAUAA, "Robot", "Googlebot", "Google"));
    store.insert(List.of(crawler), null);
    store.close();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("store.duckdb").toAbsolutePath());
        Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE events DROP COLUMN session_start");
      statement.execute("ALTER TABLE events DROP COLUMN bot_source");
      for (String column : List.of("entry_ts", "entry_id", "exit_ts", "exit_id")) {
        statement.execute("ALTER TABLE sessions DROP COLUMN " + column);
      }
      statement.execute("UPDATE store_meta SET value = '3' WHERE key = 'schema_version'");
    }
    store = DuckDbStore.open(vertx, dir.resolve("store.duckdb"), StoreSettings.defaults(2, GAP));

    store.insert(List.of(view("new", T0 + 1, "/a").withUserAgent(new UserAgentInfo(BotSource.LIST, "Desktop", "Chrome", "Linux")),
        view("person", T0 + 2, "/a").withUserAgent(new UserAgentInfo(null, "Desktop", "Chrome", "Linux"))), null);
    Results.BotTraffic bots = store.bots(new Queries.Bots(SITE, Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 60_000), 10)).await();

    assertEquals(List.of(new Results.BotRow("Chrome", "list", 1), new Results.BotRow("Googlebot", "unknown", 1)), bots.bots());
    ReportQuery minute = new ReportQuery(SITE, Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 60_000), 10);
    assertEquals(1, store.report(minute).await().pageviews());
  }

  @Test
  void lateEventJoinsTwoSessionsIntoOne() {
    store.insert(List.of(view("a", T0, "/one"), view("b", T0 + 40 * 60_000, "/two")), null);
    ReportQuery day = new ReportQuery(SITE, Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 86_400_000L), 10);
    assertEquals(2, store.report(day).await().sessions());

    store.insert(List.of(ping("c", T0 + 20 * 60_000)), null);
    Report joined = store.report(day).await();
    assertEquals(1, joined.sessions());
    assertEquals(40 * 60.0, joined.avgSessionSeconds());
    assertEquals("/one", joined.entryPages().get(0).path());
    assertEquals("/two", joined.exitPages().get(0).path());
    assertEquals(0.0, joined.bounceRate());
  }

  @Test
  void gapOfExactlyThirtyMinutesStaysInTheSession() {
    store.insert(List.of(view("a", T0, "/"), view("b", T0 + GAP, "/x"), view("c", T0 + 2 * GAP + 1, "/y")), null);
    Report report = store.report(new ReportQuery(SITE, Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 86_400_000L), 10)).await();
    assertEquals(2, report.sessions());
  }

  @Test
  void sessionBelongsToTheRangeOfItsFirstEventAndKeepsItsLength() {
    store.insert(List.of(view("a", T0 + 3_600_000 - 60_000, "/"), view("b", T0 + 3_600_000 + 60_000, "/x")), null);
    Report firstHour = store.report(new ReportQuery(SITE, Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 3_600_000), 10)).await();
    Report secondHour = store.report(new ReportQuery(SITE, Instant.ofEpochMilli(T0 + 3_600_000), Instant.ofEpochMilli(T0 + 7_200_000), 10)).await();
    assertEquals(1, firstHour.sessions());
    assertEquals(120.0, firstHour.avgSessionSeconds());
    assertEquals(1, firstHour.pageviews());
    assertEquals(0, secondHour.sessions());
    assertEquals(1, secondHour.pageviews());
  }

  @Test
  void reopenedStoreStillKnowsItsEventsAndVisitors() {
    store.insert(List.of(view("a", T0, "/"), view("b", T0 + 60_000, "/x")), null);
    store.close();
    store = DuckDbStore.open(vertx, dir.resolve("store.duckdb"), StoreSettings.defaults(2, GAP));
    IngestResult again = store.insert(List.of(view("a", T0, "/"), view("c", T0 + 120_000, "/y")), null);
    assertEquals(new IngestResult(1, 1), again);
    Report report = store.report(new ReportQuery(SITE, Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 86_400_000L), 10)).await();
    assertEquals(3, report.pageviews());
    assertEquals(1, report.visitors(), "the visitor keeps its number across a restart");
    assertEquals(1, report.sessions());
  }

  @Test
  void loaderPositionIsStoredWithTheBatch() {
    assertEquals(java.util.Optional.empty(), store.loadedPosition());
    store.insert(List.of(view("a", T0, "/")), new LogPosition(3, 1234));
    assertEquals(new LogPosition(3, 1234), store.loadedPosition().orElseThrow());
  }

  private void assertSameReport(List<Event> events, ReportQuery query) {
    assertEquals(ReferenceReport.report(events, query, GAP), store.report(query).await(), query.toString());
  }

  private static List<Event> randomTraffic(Random random, int count) {
    return randomTraffic(random, count, "e");
  }

  private static List<Event> randomTraffic(Random random, int count, String idPrefix) {
    List<Event> events = new ArrayList<>();
    String[] paths = {"/", "/looks/1", "/shop/", "/shop", "/blog/2", "/trending"};
    for (int i = 0; i < count; i++) {
      String vid = "v" + random.nextInt(40);
      long ts = T0 + (long) (random.nextDouble() * 3 * 86_400_000L);
      if (random.nextInt(10) == 0) {
        ts = ts - ts % GAP;
      }
      int kind = random.nextInt(10);
      EventType type = kind < 7 ? EventType.PAGEVIEW : kind < 9 ? EventType.PING : EventType.EVENT;
      String url = "https://www.clozette.co.id" + paths[random.nextInt(paths.length)];
      boolean bot = random.nextInt(30) == 0;
      String site = random.nextInt(20) == 0 ? "clozette-sg" : SITE;
      events.add(new Event(idPrefix + i, site, type, ts, vid, url, null, null, Platform.WEB, type == EventType.EVENT ? "add_to_closet" : null,
          null, bot, bot ? "list" : null, null, null, null, null));
    }
    return events;
  }

  private static Event view(String id, long ts, String path) {
    return new Event(id, SITE, EventType.PAGEVIEW, ts, "v1", "https://www.clozette.co.id" + path, null, null, Platform.WEB, null, null, false, null, null, null, null, null);
  }

  private static Event ping(String id, long ts) {
    return new Event(id, SITE, EventType.PING, ts, "v1", null, null, null, Platform.WEB, null, null, false, null, null, null, null, null);
  }
}
