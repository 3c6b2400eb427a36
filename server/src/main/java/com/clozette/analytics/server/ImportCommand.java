package com.clozette.analytics.server;

import com.clozette.analytics.aggregator.importer.ImportResult;
import com.clozette.analytics.aggregator.importer.Importer;
import com.clozette.analytics.aggregator.importer.LineSplitter;
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
import java.util.ArrayList;
import java.util.List;

/** The command-line importer: streams a file through the same {@link Importer} as the HTTP API. */
final class ImportCommand {
  private static final int CHUNK_LINES = 50_000;

  private ImportCommand() {}

  static int run(AnalyticsConfig config, Path file) {
    Vertx vertx = Vertx.vertx();
    try (DuckDbStore store = DuckDbStore.open(vertx, config.dataDir().resolve("analytics.duckdb"), 1, config.sessionGap().toMillis());
        InputStream in = Files.newInputStream(file)) {
      Importer importer = new Importer(new EventParser(new ObjectMapper(), config.siteIds()),
          new UserAgentClassifier(20_000), store, new SimpleMeterRegistry());
      ImportResult result = importStream(importer, in);
      System.out.println(Json.encodePrettily(result));
      return 0;
    } catch (IOException e) {
      System.err.println("cannot read " + file + ": " + e.getMessage());
      return 1;
    } finally {
      vertx.close();
    }
  }

  static ImportResult importStream(Importer importer, InputStream in) throws IOException {
    Importer.Run run = importer.start();
    List<byte[]> chunk = new ArrayList<>(CHUNK_LINES);
    LineSplitter splitter = new LineSplitter(Importer.MAX_LINE_BYTES, line -> {
      chunk.add(line);
      if (chunk.size() >= CHUNK_LINES) {
        run.addChunk(new ArrayList<>(chunk));
        chunk.clear();
      }
    });
    byte[] buffer = new byte[1 << 16];
    int read;
    while ((read = in.read(buffer)) > 0) {
      splitter.feed(read == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, read));
    }
    splitter.end();
    run.addChunk(chunk);
    return run.finish();
  }
}
