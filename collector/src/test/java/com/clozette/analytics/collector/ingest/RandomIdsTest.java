package com.clozette.analytics.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RandomIdsTest {
  private static final String FORMAT = "[A-Za-z0-9_-]{22}";

  @Test
  void eventIdsAreDistinctAcrossThreadsAndKeepTheFormat() throws Exception {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    int perThread = 100_000;
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(threads.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            String id = RandomIds.eventId();
            assertTrue(id.matches(FORMAT), id);
            ids.add(id);
          }
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      threads.shutdown();
    }
    assertEquals(4 * perThread, ids.size());
  }

  @Test
  void visitorIdsAreDistinctAndKeepTheFormat() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = RandomIds.visitorId();
      assertTrue(id.matches(FORMAT), id);
      ids.add(id);
    }
    assertEquals(10_000, ids.size());
  }
}
