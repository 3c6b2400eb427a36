package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The staff report API beyond the RULES.md report, over the golden data. */
class ReportApiTest {
  private static final String WEEK = "site=clozette-id&from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z";
  @TempDir static Path dataDir;
  private static TestSystem system;
  private static JsonNode weekReport;

  @BeforeAll
  static void importGoldenSet() {
    system = TestSystem.startWithGoldenData(dataDir);
    weekReport = system.report(WEEK);
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  @ParameterizedTest(name = "{0} buckets add up to the week and each equals the report of its range")
  @ValueSource(strings = {"hour", "day", "week", "month"})
  void timeSeriesBucketsFollowTheReportRules(String interval) {
    JsonNode series = get("/api/v1/timeseries?" + WEEK + "&interval=" + interval);
    assertEquals("Asia/Jakarta", series.get("timeZone").asText());
    long pageviews = 0;
    long sessions = 0;
    int checked = 0;
    for (JsonNode bucket : series.get("buckets")) {
      pageviews += bucket.get("pageviews").asLong();
      sessions += bucket.get("sessions").asLong();
      if (bucket.get("sessions").asLong() > 0 && checked++ < 6) {
        JsonNode report = system.report("site=clozette-id&from=" + bucket.get("start").asText() + "&to=" + bucket.get("end").asText());
        for (String field : new String[] {"pageviews", "visitors", "sessions", "avgSessionSeconds", "avgTimePerVisitorSeconds", "bounceRate"}) {
          assertEquals(report.get(field).asDouble(), bucket.get(field).asDouble(), 1e-6, field + " of " + bucket);
        }
      }
    }
    assertEquals(weekReport.get("pageviews").asLong(), pageviews);
    assertEquals(weekReport.get("sessions").asLong(), sessions);
  }

  @Test
  void daysAreDaysInTheSiteTimeZone() {
    JsonNode byDates = system.report("site=clozette-id&from=2026-11-03&to=2026-11-04");
    assertEquals("2026-11-02T17:00:00Z", byDates.get("from").asText());
    assertEquals("2026-11-03T17:00:00Z", byDates.get("to").asText());
    JsonNode byInstants = system.report("site=clozette-id&from=2026-11-02T17:00:00Z&to=2026-11-03T17:00:00Z");
    assertEquals(byInstants, byDates);
    JsonNode singapore = system.report("site=clozette-sg&from=2026-11-03&to=2026-11-04");
    assertEquals("2026-11-02T16:00:00Z", singapore.get("from").asText());
  }

  @Test
  void entryBreakdownPagesThroughTheReportsEntryList() {
    JsonNode first = get("/api/v1/breakdown?" + WEEK + "&by=entry&limit=5");
    JsonNode second = get("/api/v1/breakdown?" + WEEK + "&by=entry&limit=5&offset=5");
    JsonNode entries = weekReport.get("entryPages");
    for (int i = 0; i < 10; i++) {
      JsonNode row = (i < 5 ? first : second).get("rows").get(i % 5);
      assertEquals(entries.get(i).get("path").asText(), row.get("key").asText());
      assertEquals(entries.get(i).get("sessions").asLong(), row.get("sessions").asLong());
      assertFalse(row.has("pageviews"));
    }
    assertEquals(first.get("total"), second.get("total"));
  }

  @Test
  void platformBreakdownSplitsSiteAndAppAndAddsUp() {
    JsonNode rows = get("/api/v1/breakdown?" + WEEK + "&by=platform").get("rows");
    long pageviews = 0;
    long sessions = 0;
    for (JsonNode row : rows) {
      assertTrue(row.get("key").asText().equals("web") || row.get("key").asText().equals("app"), row.toString());
      pageviews += row.get("pageviews").asLong();
      sessions += row.get("sessions").asLong();
    }
    assertEquals(2, rows.size());
    assertEquals(weekReport.get("pageviews").asLong(), pageviews);
    assertEquals(weekReport.get("sessions").asLong(), sessions);
  }

  @ParameterizedTest
  @ValueSource(strings = {"page", "exit", "referrer", "utm_source", "device", "browser", "os"})
  void everyDimensionAnswersRows(String by) {
    JsonNode breakdown = get("/api/v1/breakdown?" + WEEK + "&by=" + by + "&limit=3");
    assertEquals(by, breakdown.get("by").asText());
    assertTrue(breakdown.get("rows").size() > 0 && breakdown.get("rows").size() <= 3);
    assertTrue(breakdown.get("total").asLong() >= breakdown.get("rows").size());
  }

  @Test
  void newAndReturningVisitorsAddUp() {
    JsonNode week = get("/api/v1/visitors?" + WEEK);
    assertEquals(weekReport.get("visitors").asLong(), week.get("visitors").asLong());
    assertEquals(week.get("visitors").asLong(), week.get("newVisitors").asLong(), "nobody was seen before the golden week");
    JsonNode lastDay = get("/api/v1/visitors?site=clozette-id&from=2026-11-08T00:00:00Z&to=2026-11-09T00:00:00Z");
    assertEquals(lastDay.get("visitors").asLong(), lastDay.get("newVisitors").asLong() + lastDay.get("returningVisitors").asLong());
    assertTrue(lastDay.get("returningVisitors").asLong() > 0);
    assertEquals(weekReport.get("sessions").asDouble() / weekReport.get("visitors").asDouble(), week.get("sessionsPerVisitor").asDouble(), 1e-6);
  }

  @Test
  void realtimeShowsTheLastFiveMinutes() {
    long now = System.currentTimeMillis();
    String events = String.join("\n",
        "{\"id\":\"rt1\",\"site\":\"clozette-sg\",\"type\":\"pageview\",\"ts\":" + (now - 60_000) + ",\"vid\":\"rt-a\",\"url\":\"https://www.clozette.co/\"}",
        "{\"id\":\"rt2\",\"site\":\"clozette-sg\",\"type\":\"pageview\",\"ts\":" + (now - 30_000) + ",\"vid\":\"rt-a\",\"url\":\"https://www.clozette.co/x\"}",
        "{\"id\":\"rt3\",\"site\":\"clozette-sg\",\"type\":\"ping\",\"ts\":" + (now - 10_000) + ",\"vid\":\"rt-b\"}",
        "{\"id\":\"rt4\",\"site\":\"clozette-sg\",\"type\":\"pageview\",\"ts\":" + (now - 600_000) + ",\"vid\":\"rt-c\",\"url\":\"https://www.clozette.co/\"}");
    system.importNdjson(events.getBytes(StandardCharsets.UTF_8));
    JsonNode realtime = get("/api/v1/realtime?site=clozette-sg");
    assertEquals(2, realtime.get("visitors").asLong());
    assertEquals(2, realtime.get("pageviews").asLong());
    assertEquals(300, realtime.get("windowSeconds").asInt());
    assertEquals(0.0, realtime.get("behindSeconds").asDouble(), "the loader holds everything the log does: " + realtime);
  }

  @Test
  void sameRangeTwiceIsComputedOnceUntilNewEventsLandInIt() {
    String range = "site=clozette-sg&from=2026-11-03T00:00:00Z&to=2026-11-04T00:00:00Z";
    JsonNode first = system.report(range);
    double hitsBefore = cacheCount("hit");
    assertEquals(first, system.report(range));
    assertEquals(hitsBefore + 1, cacheCount("hit"));

    long ts = Instant.parse("2026-11-03T12:00:00Z").toEpochMilli();
    system.importNdjson(("{\"id\":\"cache-1\",\"site\":\"clozette-sg\",\"type\":\"pageview\",\"ts\":" + ts
        + ",\"vid\":\"cache-visitor\",\"url\":\"https://www.clozette.co/new\"}\n").getBytes(StandardCharsets.UTF_8));
    JsonNode after = system.report(range);
    assertEquals(first.get("pageviews").asLong() + 1, after.get("pageviews").asLong());

    JsonNode untouched = system.report("site=clozette-sg&from=2026-11-05T00:00:00Z&to=2026-11-06T00:00:00Z");
    double hits = cacheCount("hit");
    system.importNdjson(("{\"id\":\"cache-2\",\"site\":\"clozette-sg\",\"type\":\"pageview\",\"ts\":" + ts
        + ",\"vid\":\"cache-visitor-2\",\"url\":\"https://www.clozette.co/new\"}\n").getBytes(StandardCharsets.UTF_8));
    assertEquals(untouched, system.report("site=clozette-sg&from=2026-11-05T00:00:00Z&to=2026-11-06T00:00:00Z"));
    assertEquals(hits + 1, cacheCount("hit"), "a change outside the range keeps the cached answer");
  }

  @Test
  void sitesListsConfiguredSitesWithTheirZones() {
    JsonNode sites = get("/api/v1/sites").get("sites");
    assertEquals(Map.of("clozette-id", "Asia/Jakarta", "clozette-sg", "Asia/Singapore"),
        Map.of(sites.get(0).get("id").asText(), sites.get(0).get("timeZone").asText(), sites.get(1).get("id").asText(), sites.get(1).get("timeZone").asText()));
  }

  private static double cacheCount(String result) {
    String metrics = system.get("/metrics", null).body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("cache_gets_total{") && line.contains("cache=\"reports\"") && line.contains("result=\"" + result + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no cache_gets_total for " + result + " in /metrics");
  }

  private static JsonNode get(String pathAndQuery) {
    var response = system.get(pathAndQuery, TestSystem.STAFF_TOKEN);
    assertEquals(200, response.statusCode(), response.body());
    return TestSystem.json(response.body());
  }
}
