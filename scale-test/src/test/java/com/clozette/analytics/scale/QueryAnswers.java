package com.clozette.analytics.scale;

import com.clozette.analytics.druid.DruidReportStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * How Druid's answer to a question of the query API is compared with the embedded store's
 * (docs/QUERY.md "At scale"): the same rows in the same order with the same figures, exactly, but for
 * the unfiltered questions by time, whose visitors (and the time per visitor built on them) come from
 * the reports' sketch, within three of its standard errors, and which say so.
 */
final class QueryAnswers {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SAME_FIELDS = List.of("site", "from", "to", "timeZone", "metrics", "dimensions", "compareFrom", "compareTo",
      "totalRows");

  private QueryAnswers() {}

/**
   * Questions of the query API over the days [firstDay, lastDay] of a site: filters on the page and on
   * session attributes, every dimension, both comparisons, the rollups' path (unfiltered, by day) and the detail's.
   */
  static List<String> questions(String site, String firstDay, String lastDay) {
    String week = "\"site\": \"" + site + "\", \"dateRange\": [\"" + firstDay + "\", \"" + lastDay + "\"]";
    return List.of(
        "{" + week + ", \"metrics\": [\"pageviews\", \"visitors\", \"sessions\", \"avgSessionSeconds\", \"bounceRate\", \"viewsPerSession\"],"
            + " \"filters\": [[\"contains\", \"page\", [\"/looks/\"]]]}",
        "{" + week + ", \"metrics\": [\"pageviews\", \"sessions\", \"visitors\", \"bounceRate\"], \"dimensions\": [\"time:day\"],"
            + " \"filters\": [[\"is\", \"platform\", [\"web\"]]], \"compare\": \"previous_period\"}",
        "{" + week + ", \"metrics\": [\"pageviews\", \"visitors\", \"sessions\", \"exitRate\", \"viewsPerSession\"], \"dimensions\": [\"page\"]}",
        "{" + week + ", \"metrics\": [\"sessions\", \"pageviews\", \"avgSessionSeconds\"], \"dimensions\": [\"entry\", \"exit\"],"
            + " \"filters\": [[\"not\", [\"is\", \"referrer\", [\"(direct)\"]]]], \"limit\": 7, \"offset\": 2}",
        "{" + week + ", \"metrics\": [\"sessions\", \"visitors\", \"avgTimePerVisitorSeconds\"], \"dimensions\": [\"referrer\"],"
            + " \"compare\": \"previous_period\"}",
        "{" + week + ", \"metrics\": [\"pageviews\", \"sessions\"], \"dimensions\": [\"device\", \"browser\", \"os\"],"
            + " \"filters\": [[\"or\", [[\"contains_not\", \"page\", [\"/looks/\"]], [\"is_not\", \"exit\", [\"/\"]]]]]}",
        "{" + week + ", \"metrics\": [\"pageviews\", \"sessions\", \"bounceRate\"], \"dimensions\": [\"time:hour\", \"utm_source\"],"
            + " \"filters\": [[\"and\", [[\"contains\", \"page\", [\"/\"]], [\"is_not\", \"utm_source\", [\"nothing-like-it\"]]]]],"
            + " \"orderBy\": [[\"sessions\", \"desc\"]], \"limit\": 20}",
        "{" + week + ", \"metrics\": [\"pageviews\", \"visitors\", \"sessions\", \"avgSessionSeconds\", \"bounceRate\"],"
            + " \"dimensions\": [\"time:day\"], \"compare\": \"previous_period\"}",
        "{" + week + ", \"metrics\": [\"pageviews\", \"sessions\"], \"dimensions\": [\"time:week\", \"platform\"],"
            + " \"filters\": [[\"contains\", \"exit\", [\"/\"]]], \"compare\": \"year_over_year\"}");
  }

  /** Every difference, each naming where it is; empty when Druid answered as the embedded store did. */
  static List<String> differences(String question, JsonNode expected, JsonNode actual) {
    List<String> differences = new ArrayList<>();
    for (String field : SAME_FIELDS) {
      if (!java.util.Objects.equals(expected.get(field), actual.get(field))) {
        differences.add(field + ": " + actual.get(field) + " vs " + expected.get(field));
      }
    }
    List<String> metrics = new ArrayList<>();
    expected.get("metrics").forEach(metric -> metrics.add(metric.asText()));
    boolean sketched = byTimeAlone(question, metrics) && (metrics.contains("visitors") || metrics.contains("avgTimePerVisitorSeconds"));
    if (expected.has("visitorsApprox")) {
      differences.add("the embedded store's visitors are exact and it does not say otherwise: " + expected.get("visitorsApprox"));
    }
    if (sketched != actual.path("visitorsApprox").asBoolean()) {
      differences.add("visitorsApprox " + actual.get("visitorsApprox") + ", expected " + sketched);
    }
    JsonNode want = expected.get("results");
    JsonNode got = actual.get("results");
    if (want.size() != got.size()) {
      differences.add(got.size() + " rows vs " + want.size());
      return differences;
    }
    for (int i = 0; i < want.size(); i++) {
      compareRow("row " + i, metrics, sketched, want.get(i), got.get(i), differences);
      if (want.get(i).has("comparison")) {
        compareRow("comparison of row " + i, metrics, sketched, want.get(i).get("comparison"), got.get(i).get("comparison"), differences);
      }
    }
    return differences;
  }

  /** Unfiltered and grouped by nothing but time: what Druid answers from the reports' datasources. */
  private static boolean byTimeAlone(String question, List<String> metrics) {
    try {
      JsonNode asked = JSON.readTree(question);
      return !asked.has("filters") && !metrics.contains("exitRate")
          && StreamSupport.stream(asked.path("dimensions").spliterator(), false).allMatch(d -> d.asText().startsWith("time:"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void compareRow(String where, List<String> metrics, boolean sketched, JsonNode want, JsonNode got, List<String> differences) {
    if (got == null || !want.get("dimensions").equals(got.get("dimensions"))) {
      differences.add(where + ": " + got + " vs " + want);
      return;
    }
    for (int m = 0; m < metrics.size(); m++) {
      double expected = want.get("metrics").get(m).asDouble();
      double actual = got.get("metrics").get(m).asDouble();
      boolean estimate = sketched && (metrics.get(m).equals("visitors") || metrics.get(m).equals("avgTimePerVisitorSeconds"));
      double k = 3 * DruidReportStore.VISITORS_RSE / (1 - 3 * DruidReportStore.VISITORS_RSE);
      // small counts are exact in the sketch's coupon modes; larger ones within 3 RSE
      double allowed = estimate ? Math.max(1e-6, k * Math.abs(expected)) : 1e-9;
      if (Math.abs(actual - expected) > allowed) {
        differences.add(where + " " + metrics.get(m) + ": " + got + " vs " + want + (estimate ? " ± " + allowed : ""));
      }
    }
  }
}
