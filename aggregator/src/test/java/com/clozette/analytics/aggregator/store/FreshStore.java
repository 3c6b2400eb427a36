package com.clozette.analytics.aggregator.store;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The store tests' fixture: an empty store file of its own per test, with the RULES.md session gap. */
abstract class FreshStore {
  static final long GAP = 1_800_000;
  static final long T0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();

  @TempDir Path dir;
  Vertx vertx;
  DuckDbStore store;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    store = DuckDbStore.open(vertx, dir.resolve("store.duckdb"), StoreSettings.defaults(2, GAP));
  }

  @AfterEach
  void close() {
    store.close();
    vertx.close().await();
  }
}
