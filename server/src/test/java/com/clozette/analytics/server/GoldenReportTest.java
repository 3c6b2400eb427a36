package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.golden.GoldenData;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract: importing the golden set answers and reports exactly what expected.json says. */
class GoldenReportTest {
  @TempDir static Path dataDir;
  private static TestSystem system;
  private static JsonNode importAnswer;

  @BeforeAll
  static void importGoldenSet() {
    system = TestSystem.startWithGoldenData(dataDir);
    importAnswer = system.goldenImport();
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  @Test
  void importAnswersTheExpectedCountsAndNamesEachRejectedLine() {
    GoldenData.assertMatches(GoldenData.expectedImport(), importAnswer);
    List<Integer> lines = importAnswer.get("errors").findValuesAsText("line").stream().map(Integer::valueOf).toList();
    assertEquals(List.of(287, 350, 932, 1157, 1373, 1427, 1560, 1944, 2056), lines);
  }

  static List<GoldenData.Query> queries() {
    return GoldenData.queries();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void everyReportMatchesExpected(GoldenData.Query query) {
    GoldenData.assertMatches(query.expected(), system.report(query.queryString()));
  }

  @Test
  void importingTheSameSetAgainChangesNothing() {
    JsonNode again = system.importNdjson(GoldenData.eventsNdjson());
    assertEquals(0, again.get("accepted").asInt());
    assertEquals(2077 + 53, again.get("duplicates").asInt());
    for (GoldenData.Query query : GoldenData.queries()) {
      GoldenData.assertMatches(query.expected(), system.report(query.queryString()));
    }
  }
}
