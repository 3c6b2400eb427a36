package com.clozette.analytics.server;

import com.clozette.analytics.aggregator.importer.ImportResult;
import com.clozette.analytics.aggregator.importer.Importer;
import com.clozette.analytics.aggregator.store.DuckDbStore;
import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.EventParser;
import com.clozette.analytics.server.config.AnalyticsConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The command-line importer: streams a file through the same {@link Importer} as the HTTP API. */
final class ImportCommand {
  private ImportCommand() {}

  static int run(AnalyticsConfig config, Path file) {
    Vertx vertx = Vertx.vertx();
    try (DuckDbStore store = DuckDbStore.open(vertx, config.dataDir().resolve("analytics.duckdb"), config.duckdb().storeSettings(1, config.sessionGap()));
        InputStream in = Files.newInputStream(file)) {
      Importer importer = new Importer(new EventParser(new ObjectMapper(), config.siteIds()),
          new UserAgentClassifier(20_000), store, new SimpleMeterRegistry());
      ImportResult result = importer.start().importAll(in);
      System.out.println(Json.encodePrettily(result));
      return 0;
    } catch (IOException e) {
      System.err.println("cannot read " + file + ": " + e.getMessage());
      return 1;
    } finally {
      vertx.close();
    }
  }
}
