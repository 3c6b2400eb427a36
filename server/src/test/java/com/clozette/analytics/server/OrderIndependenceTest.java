package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.golden.GoldenData;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reports depend only on the set of stored events, never on arrival order, batching or copies. */
class OrderIndependenceTest {
  @TempDir Path dataDir;

  @ParameterizedTest(name = "shuffled with seed {0}, imported in chunks of {1} lines, each line sent {2} times")
  @CsvSource({
      "1, 2139, 1",
      "7, 500, 1",
      "42, 97, 2",
      "1234, 1000, 3",
  })
  void shuffledChunkedAndDuplicatedImportsGiveTheGoldenReports(long seed, int chunkLines, int copies) {
    List<String> lines = new ArrayList<>();
    for (String line : GoldenData.eventLines()) {
      for (int i = 0; i < copies; i++) {
        lines.add(line);
      }
    }
    Collections.shuffle(lines, new Random(seed));
    try (TestSystem system = TestSystem.start(dataDir)) {
      long accepted = 0;
      for (int start = 0; start < lines.size(); start += chunkLines) {
        List<String> chunk = lines.subList(start, Math.min(lines.size(), start + chunkLines));
        JsonNode answer = system.importNdjson((String.join("\n", chunk) + "\n").getBytes(StandardCharsets.UTF_8));
        accepted += answer.get("accepted").asLong();
      }
      assertEquals(GoldenData.expectedImport().get("accepted").asLong(), accepted);
      for (GoldenData.Query query : GoldenData.queries()) {
        GoldenData.assertMatches(query.expected(), system.report(query.queryString()));
      }
    }
  }
}
