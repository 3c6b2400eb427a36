package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.golden.GoldenData;
import com.clozette.analytics.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line importer fills a stopped system's store the way the HTTP import does. */
class ImportCommandTest {
  @TempDir Path dataDir;
  @TempDir Path files;

  @Test
  void commandLineImportOfTheGoldenSetGivesTheGoldenReports() throws Exception {
    Path ndjson = files.resolve("events.ndjson");
    Files.write(ndjson, GoldenData.eventsNdjson());
    var config = ConfigLoader.load(Map.of(
        "ANALYTICS_CONFIG", TestSystem.repositoryConfig().toString(), "ANALYTICS_DATA_DIR", dataDir.toString()));
    assertEquals(0, ImportCommand.run(config, ndjson));
    try (TestSystem system = TestSystem.start(dataDir)) {
      for (GoldenData.Query query : GoldenData.queries()) {
        GoldenData.assertMatches(query.expected(), system.report(query.queryString()));
      }
    }
  }
}
