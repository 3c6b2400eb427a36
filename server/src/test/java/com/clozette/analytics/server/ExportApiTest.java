package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.golden.GoldenData;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The research partner's exports: golden numbers, aggregates only, small cells folded. */
class ExportApiTest {
  /** Seven whole Jakarta days: exports take nothing else. */
  private static final String WEEK = "site=clozette-id&from=2026-11-02&to=2026-11-09";
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

  @Test
  void dailyCsvExportAddsUpToTheReportOfTheSameDays() throws IOException {
    HttpResponse<String> response = partner("/api/v1/export?" + WEEK + "&format=csv");
    assertEquals("attachment; filename=\"clozette-clozette-id-days.csv\"", response.headers().firstValue("Content-Disposition").orElse(""));
    List<CSVRecord> rows = csv(response);
    long pageviews = 0;
    long sessions = 0;
    for (CSVRecord row : rows) {
      assertEquals("2", row.get("format_version"));
      assertEquals("clozette-id", row.get("site"));
      assertEquals("5", row.get("k"));
      pageviews += Long.parseLong(row.get("pageviews"));
      sessions += Long.parseLong(row.get("sessions"));
    }
    assertTrue(pageviews > 0);
    assertEquals(weekReport.get("pageviews").asLong(), pageviews);
    assertEquals(weekReport.get("sessions").asLong(), sessions);
    assertEquals(7, rows.size());
    assertEquals("2026-11-02", rows.get(0).get("date"));
    assertEquals("2026-11-08", rows.get(6).get("date"));
  }

  @Test
  void instantsAtMidnightInTheSiteTimeZoneAreWholeDaysToo() {
    String byDates = partner("/api/v1/export/pages?" + WEEK + "&format=json").body();
    String byInstants = partner("/api/v1/export/pages?site=clozette-id&from=2026-11-01T17:00:00Z&to=2026-11-08T17:00:00Z&format=json").body();
    assertEquals(TestSystem.json(byDates).get("rows"), TestSystem.json(byInstants).get("rows"));
  }

  @Test
  void dailyExportOfWholeLocalDaysMatchesTheDailyReports() {
    JsonNode export = TestSystem.json(partner("/api/v1/export?site=clozette-id&from=2026-11-03&to=2026-11-06&format=json").body());
    assertEquals(2, export.get("formatVersion").asInt());
    assertEquals(5, export.get("k").asInt());
    assertEquals(3, export.get("rows").size());
    JsonNode day = export.get("rows").get(1);
    assertEquals("2026-11-04", day.get("date").asText());
    JsonNode report = system.report("site=clozette-id&from=2026-11-04&to=2026-11-05");
    for (String[] field : new String[][] {{"pageviews", "pageviews"}, {"visitors", "visitors"}, {"sessions", "sessions"},
        {"avg_session_seconds", "avgSessionSeconds"}, {"avg_time_per_visitor_seconds", "avgTimePerVisitorSeconds"}, {"bounce_rate", "bounceRate"}}) {
      assertEquals(report.get(field[1]).asDouble(), day.get(field[0]).asDouble(), 1e-6, field[0]);
    }
  }

  @Test
  void noVisitorOrEventIdLeavesThroughAnExport() {
    String daily = partner("/api/v1/export?" + WEEK).body() + partner("/api/v1/export?" + WEEK + "&format=json").body();
    String pages = partner("/api/v1/export/pages?" + WEEK).body() + partner("/api/v1/export/pages?" + WEEK + "&format=json").body();
    for (String line : GoldenData.eventLines().subList(0, 200)) {
      JsonNode event;
      try {
        event = TestSystem.json(line);
      } catch (RuntimeException malformed) {
        continue;
      }
      for (String field : new String[] {"vid", "id", "ua"}) {
        if (event.hasNonNull(field)) {
          assertFalse(daily.contains(event.get(field).asText()) || pages.contains(event.get(field).asText()), field + " leaked");
        }
      }
    }
  }

  @Test
  void partnerPageExportFoldsSmallCellsIntoOtherAndKeepsTotalsExact() throws IOException {
    List<CSVRecord> rows = csv(partner("/api/v1/export/pages?" + WEEK));
    Map<String, Long> entriesPerDay = new HashMap<>();
    boolean folded = false;
    for (CSVRecord row : rows) {
      assertEquals("5", row.get("k"));
      if (row.get("path").equals("(other)")) {
        folded = true;
      } else {
        assertTrue(Long.parseLong(row.get("visitors")) >= 5, "a page row with fewer than k visitors: " + row);
      }
      if (row.get("kind").equals("entry")) {
        entriesPerDay.merge(row.get("date"), Long.parseLong(row.get("sessions")), Long::sum);
      }
    }
    assertTrue(folded);
    long sessions = entriesPerDay.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(weekReport.get("sessions").asLong(), sessions, "entry rows, (other) included, add up to every session");
  }

  @Test
  void staffPageExportIsNotFolded() throws IOException {
    HttpResponse<String> response = system.get("/api/v1/export/pages?" + WEEK + "&top=100", TestSystem.STAFF_TOKEN);
    assertEquals(200, response.statusCode());
    List<CSVRecord> rows = csv(response);
    assertTrue(rows.stream().allMatch(row -> row.get("k").equals("1")));
    assertTrue(rows.stream().anyMatch(row -> !row.get("path").equals("(other)") && Long.parseLong(row.get("visitors")) < 5));
  }

  @Test
  void csvQuotesHostilePaths() throws IOException {
    long ts = java.time.Instant.parse("2026-11-10T03:00:00Z").toEpochMilli();
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      events.append("{\"id\":\"hostile-").append(i).append("\",\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":").append(ts + i)
          .append(",\"vid\":\"hv-").append(i).append("\",\"url\":\"https://www.clozette.co.id/a,\\\"b\\\"\\n=cmd\"}\n");
    }
    system.importNdjson(events.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    List<CSVRecord> rows = csv(partner("/api/v1/export/pages?site=clozette-id&from=2026-11-10&to=2026-11-11"));
    assertTrue(rows.stream().anyMatch(row -> row.get("path").equals("/a,\"b\"\n=cmd")), rows.toString());
  }

  /**
   * A day of fewer than k visitors is a small cell: its pageviews, session length and bounce are
   * those few members'. The partner sees its date and none of its figures in the daily export and
   * none of its rows in the page export; staff see them all.
   */
  @Test
  void aPartnersExportsShowNoFiguresOfADayWithFewerThanKVisitors() throws IOException {
    long ts = java.time.Instant.parse("2026-10-20T03:00:00Z").toEpochMilli();
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      events.append("{\"id\":\"lonely-").append(i).append("\",\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":")
          .append(ts + i * 60_000L).append(",\"vid\":\"lonely-visitor\",\"url\":\"https://www.clozette.co.id/looks/").append(i).append("\"}\n");
    }
    system.importNdjson(events.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String range = "site=clozette-id&from=2026-10-19&to=2026-10-22";

    List<CSVRecord> rows = csv(partner("/api/v1/export?" + range));
    assertEquals(List.of("2026-10-19", "2026-10-20", "2026-10-21"), rows.stream().map(row -> row.get("date")).toList());
    CSVRecord lonely = rows.get(1);
    for (String figure : List.of("pageviews", "visitors", "sessions", "avg_session_seconds", "avg_time_per_visitor_seconds", "bounce_rate")) {
      assertEquals("", lonely.get(figure), figure + " of a day with one visitor: " + lonely);
    }
    assertEquals("0", rows.get(0).get("pageviews"), "a day without visitors holds nobody: its zeros stay");
    JsonNode json = TestSystem.json(partner("/api/v1/export?" + range + "&format=json").body()).get("rows").get(1);
    assertEquals(List.of("date", "site"), iterate(json.fieldNames()).stream().sorted().toList(), json.toString());

    // nor through the page export, whose (other) rows would add up to the day's exact figures
    assertTrue(csv(partner("/api/v1/export/pages?" + range)).stream().noneMatch(row -> row.get("date").equals("2026-10-20")),
        "no page row of the small day");
    assertTrue(csv(system.get("/api/v1/export/pages?" + range, TestSystem.STAFF_TOKEN)).stream()
        .anyMatch(row -> row.get("date").equals("2026-10-20")), "staff see it");

    HttpResponse<String> staff = system.get("/api/v1/export?" + range, TestSystem.STAFF_TOKEN);
    CSVRecord seen = csv(staff).get(1);
    assertEquals("3", seen.get("pageviews"));
    assertEquals("1", seen.get("visitors"));
    assertEquals("1", seen.get("k"));
  }

  private static List<String> iterate(java.util.Iterator<String> names) {
    List<String> list = new java.util.ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  private static HttpResponse<String> partner(String pathAndQuery) {
    HttpResponse<String> response = system.get(pathAndQuery, TestSystem.PARTNER_TOKEN);
    assertEquals(200, response.statusCode(), response.body());
    return response;
  }

  private static List<CSVRecord> csv(HttpResponse<String> response) throws IOException {
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(new StringReader(response.body())).getRecords();
  }
}
