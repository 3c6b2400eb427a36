package com.clozette.analytics.aggregator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.aggregator.report.StoreUnavailableException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A read statement past duckdb.queryTimeoutSeconds, or past DuckDB's memory limit, is answered as unavailable (503); the reader serves on. */
class QueryTimeoutTest extends FreshStore {
  /** Minutes of work for DuckDB: a filter over a hundred billion generated rows. */
  private static final String ENDLESS = "SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3";

  @Test
  void aStatementRunningPastTheTimeoutIsStoppedAndTheReaderServesTheNextOne() throws Exception {
    store.close();
    store = DuckDbStore.open(vertx, dir.resolve("timed.duckdb"),
        new StoreSettings(1, GAP, StoreSettings.DEFAULT_MEMORY_LIMIT_MB, 2, StoreSettings.DEFAULT_DEDUPE_WINDOW, Duration.ofSeconds(1),
            Clock.systemUTC()));
    // without the timeout this would run for minutes: the test fails after 60 s instead of waiting
    StoreUnavailableException stopped = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(StoreUnavailableException.class,
        () -> store.withReader(connection -> {
          try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(ENDLESS)) {
            result.next();
            return result.getLong(1);
          }
        })));
    assertTrue(stopped.getMessage().contains("duckdb.queryTimeoutSeconds"), stopped.getMessage());
    // prepared statements carry the timeout too, and the one reader is back in the pool, usable
    assertThrows(StoreUnavailableException.class, () -> store.withReader(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(ENDLESS); ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }));
    assertEquals(Long.valueOf(42), store.<Long>withReader(connection -> {
      try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT 42")) {
        result.next();
        return result.getLong(1);
      }
    }));
  }

  @Test
  void aStatementNeedingMoreThanTheMemoryLimitIsUnavailableNotAFailure() throws Exception {
    // a list of 100M numbers cannot spill: far past the default 128 MB limit
    StoreUnavailableException refused = assertThrows(StoreUnavailableException.class, () -> store.withReader(connection -> {
      try (Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT len(list(x)) FROM range(100000000) t(x)")) {
        result.next();
        return result.getLong(1);
      }
    }));
    assertTrue(refused.getMessage().contains("duckdb.memoryLimitMb"), refused.getMessage());
    assertEquals(Long.valueOf(7), store.<Long>withReader(connection -> {
      try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT 7")) {
        result.next();
        return result.getLong(1);
      }
    }));
  }
}
