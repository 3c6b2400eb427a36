package com.clozette.analytics.aggregator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventType;
import com.clozette.analytics.event.Platform;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After random traffic (many ties, two sites sharing vids, bots, sessions without pageviews,
 * varied referrers, UTM sources, devices) arrives in mostly time-ordered or shuffled batches, the
 * sessions table, every event's session_start and the session rollups must equal what a from-scratch
 * sessionisation in SQL over the stored events gives.
 */
class SessionizerOracleTest extends FreshStore {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void storedSessionsEqualAFromScratchSessionisation(long seed) throws Exception {
    Random random = new Random(seed);
    List<Event> events = traffic(random, 3000);
    List<Event> arrival = new ArrayList<>(events);
    if (seed % 2 == 0) {
      Collections.shuffle(arrival, random);
    } else {
      arrival.sort(java.util.Comparator.comparingLong(Event::ts));
      for (int i = 0; i < 60; i++) {
        Event late = arrival.remove(random.nextInt(arrival.size()));
        arrival.add(Math.min(arrival.size(), arrival.indexOf(late) + 1 + random.nextInt(200)), late);
      }
    }
    for (int start = 0; start < arrival.size(); ) {
      int size = 1 + random.nextInt(seed % 2 == 0 ? 300 : 40);
      store.insert(arrival.subList(start, Math.min(arrival.size(), start + size)), null);
      start += size;
    }
    String scratch = """
        WITH counted AS (SELECT * FROM events WHERE NOT bot), marked AS (
          SELECT *, CASE WHEN ts - lag(ts) OVER visit > %d OR lag(ts) OVER visit IS NULL THEN 1 ELSE 0 END AS starts_run
          FROM counted WINDOW visit AS (PARTITION BY site, vid ORDER BY ts, id)
        ), numbered AS (
          SELECT *, sum(starts_run) OVER (PARTITION BY site, vid ORDER BY ts, id ROWS UNBOUNDED PRECEDING) AS run FROM marked)
        """.formatted(GAP);
    String sessions = scratch + """
        SELECT site, vid, min(ts) AS start_ts, max(ts) AS end_ts, count(*)::INTEGER AS events,
          (count(*) FILTER (WHERE type = 'pageview'))::INTEGER AS pageviews,
          first(path ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS entry_path,
          last(path ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS exit_path,
          first(platform ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS platform,
          first(ref_host ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS ref_host,
          first(utm_source ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS utm_source,
          first(device ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS device,
          first(browser ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS browser,
          first(os ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS os,
          min(ts) FILTER (WHERE type = 'pageview') AS entry_ts,
          first(id ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS entry_id,
          max(ts) FILTER (WHERE type = 'pageview') AS exit_ts,
          last(id ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS exit_id
        FROM numbered GROUP BY site, vid, run""";
    String order = " ORDER BY ALL";
    assertEquals(rows(sessions + order), rows("SELECT * FROM sessions" + order), "sessions");
    assertEquals(rows(scratch + "SELECT site, id, min(ts) OVER (PARTITION BY site, vid, run) FROM numbered" + order),
        rows("SELECT site, id, session_start FROM events WHERE NOT bot" + order), "session_start");
    assertEquals(0L, (long) rows("SELECT count(*) FROM events WHERE bot AND session_start IS NOT NULL").get(0).get(0), "bots");
    for (Grain grain : Grain.values()) {
      assertEquals(rows("""
              SELECT site, start_ts // %d AS b, count(*), sum(end_ts - start_ts), count(*) FILTER (WHERE pageviews = 1)
              FROM (%s) WHERE pageviews > 0 GROUP BY ALL""".formatted(grain.millis, sessions) + order),
          rows("SELECT site, bucket, sessions, duration_ms, bounces FROM %s WHERE sessions <> 0 OR duration_ms <> 0 OR bounces <> 0"
              .formatted(grain.table("session")) + order), grain + " session rollup");
      for (String end : new String[] {"entry", "exit"}) {
        assertEquals(rows("SELECT site, start_ts // %d AS b, %s_path, count(*) FROM (%s) WHERE pageviews > 0 GROUP BY ALL"
                .formatted(grain.millis, end, sessions) + order),
            rows("SELECT site, bucket, path, sessions FROM %s WHERE sessions <> 0".formatted(grain.table(end)) + order), grain + " " + end);
      }
    }
  }

  private List<List<Object>> rows(String sql) throws Exception {
    return store.withReader(connection -> {
      List<List<Object>> rows = new ArrayList<>();
      try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
        ResultSetMetaData meta = result.getMetaData();
        while (result.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            Object value = result.getObject(i);
            row.add(value instanceof Number number ? (Object) number.longValue() : value == null ? null : value.toString());
          }
          rows.add(row);
        }
      }
      return rows;
    });
  }

  /** 20 vids, each on both sites now and then, minute-rounded times (ties), gaps around the session gap. */
  private static List<Event> traffic(Random random, int count) {
    List<Event> events = new ArrayList<>();
    String[] paths = {"/", "/a", "/b", "/c?utm_source=ig", "/d?utm_source=g"};
    String[] refs = {null, "https://www.google.com/", "https://t.co/x"};
    String[] devices = {null, "Phone", "Desktop"};
    for (int i = 0; i < count; i++) {
      String vid = "v" + random.nextInt(20);
      long ts = T0 + (long) (random.nextDouble() * 2 * 86_400_000L);
      ts = ts - ts % (random.nextBoolean() ? 60_000 : GAP / 2);
      int kind = random.nextInt(10);
      EventType type = kind < 5 ? EventType.PAGEVIEW : kind < 9 ? EventType.PING : EventType.EVENT;
      boolean bot = random.nextInt(25) == 0;
      String site = random.nextInt(4) == 0 ? "clozette-sg" : "clozette-id";
      String device = devices[random.nextInt(devices.length)];
      events.add(new Event("e" + i, site, type, ts, vid, "https://www.clozette.co.id" + paths[random.nextInt(paths.length)],
          refs[random.nextInt(refs.length)], null, random.nextBoolean() ? Platform.WEB : Platform.APP,
          type == EventType.EVENT ? "x" : null, null, bot, bot ? "list" : null, device, device == null ? null : "Chrome", null, null));
    }
    return events;
  }
}
