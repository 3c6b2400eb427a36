package com.clozette.analytics.server.collector;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.clozette.analytics.server.TestSystem;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Beacons are served on every core's event loop, not queued behind one (issue 11). */
class EventLoopsTest {
  @Test
  void beaconsOverManyConnectionsAreServedByMoreThanOneEventLoop(@TempDir Path dataDir) throws Exception {
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two cores");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (TestSystem system = TestSystem.start(dataDir)) {
      Map<Long, Long> before = eventLoopCpu(threads);
      // Each client is its own connection pool: 8 connections, each sending beacons one after another.
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI pixel = system.uri("/p.gif?site=clozette-id&url=https%3A%2F%2Fwww.clozette.co.id%2F&vid=loops-" + c);
        clients.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < 300; i++) {
            client.sendAsync(HttpRequest.newBuilder(pixel).build(), HttpResponse.BodyHandlers.discarding()).join();
          }
        }));
      }
      CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get();
      Map<Long, Long> after = eventLoopCpu(threads);
      long total = 0;
      List<Long> busy = new ArrayList<>();
      for (Map.Entry<Long, Long> loop : after.entrySet()) {
        long used = loop.getValue() - before.getOrDefault(loop.getKey(), 0L);
        total += used;
        busy.add(used);
      }
      long finalTotal = total;
      long loopsWithAShare = busy.stream().filter(used -> used > finalTotal / 5).count();
      assertTrue(loopsWithAShare >= 2, "event-loop CPU of the beacons by loop (ns): " + busy);
    }
  }

  private static Map<Long, Long> eventLoopCpu(ThreadMXBean threads) {
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (thread != null && thread.getThreadName().startsWith("vert.x-eventloop-thread-")) {
        cpu.put(thread.getThreadId(), threads.getThreadCpuTime(thread.getThreadId()));
      }
    }
    return cpu;
  }
}
