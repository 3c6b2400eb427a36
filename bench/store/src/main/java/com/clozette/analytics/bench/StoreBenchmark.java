package com.clozette.analytics.bench;

import com.clozette.analytics.aggregator.importer.ImportResult;
import com.clozette.analytics.aggregator.importer.Importer;
import com.clozette.analytics.aggregator.report.Report;
import com.clozette.analytics.aggregator.report.ReportQuery;
import com.clozette.analytics.aggregator.store.DuckDbStore;
import com.clozette.analytics.aggregator.store.StoreSettings;
import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The store benchmarks of bench/store/run.sh:
 * <ul>
 *   <li>{@code generate N DIR}: only writes the NDJSON of N generated events (DIR/import-N.ndjson; other
 *       benchmarks, such as bench/memory, import it through the API);</li>
 *   <li>{@code import N DIR}: writes N generated events as NDJSON and times the command-line importer
 *       on them (parse, enrich, dedupe, store, sessionise);</li>
 *   <li>{@code report N DIR}: fills a store with N events over 30 days (once; reused by later runs),
 *       then times the 30-day report against query-time sessionisation of the raw events, and checks
 *       that both give the same numbers.</li>
 * </ul>
 */
public final class StoreBenchmark {
  static final String SITE = "clozette-id";
  static final long START = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
  static final int DAYS = 30;
  private static final int BATCH = 50_000;

  private StoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: StoreBenchmark generate|import|report EVENTS DIR");
      System.exit(2);
    }
    long events = Long.parseLong(args[1]);
    Path dir = Path.of(args[2]);
    Files.createDirectories(dir);
    Vertx vertx = Vertx.vertx();
    try {
      switch (args[0]) {
        case "generate" -> generated(events, dir);
        case "import" -> importThroughput(vertx, events, dir);
        case "report" -> reportLatency(vertx, events, dir);
        default -> throw new IllegalArgumentException("unknown benchmark " + args[0]);
      }
    } finally {
      vertx.close().await();
    }
  }

  /** The NDJSON of this many generated events, written once and reused. */
  private static Path generated(long events, Path dir) throws IOException {
    Path ndjson = dir.resolve("import-" + events + ".ndjson");
    if (!Files.exists(ndjson)) {
      long written = TrafficGenerator.writeNdjson(ndjson, SITE, START, DAYS, (int) Math.max(1000, events / 30), events, 1);
      System.out.printf("generated %,d events, %,d bytes of NDJSON%n", written, Files.size(ndjson));
    }
    return ndjson;
  }

  private static void importThroughput(Vertx vertx, long events, Path dir) throws Exception {
    Path ndjson = generated(events, dir);
    Path storeFile = dir.resolve("import-" + System.nanoTime() + ".duckdb");
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    EventParser parser = new EventParser(new ObjectMapper(), Set.of(SITE));
    UserAgentClassifier userAgents = new UserAgentClassifier(1000);
    try (InputStream in = Files.newInputStream(ndjson)) {
      // Timed up to the store's close: the checkpoint there writes what the import left in the WAL.
      long t0 = System.nanoTime();
      long cpu0 = os.getProcessCpuTime();
      ImportResult result;
      try (DuckDbStore store = DuckDbStore.open(vertx, storeFile, StoreSettings.defaults(1, 1_800_000))) {
        Importer importer = new Importer(parser, userAgents, store, new SimpleMeterRegistry());
        result = importer.start().importAll(in);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      // The machine is shared: process CPU time varies less than wall time with other load.
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      System.out.printf("import: %,d accepted, %,d duplicates, %,d rejected in %.1f s = %,.0f events/s (process CPU %.1f s)%n",
          result.accepted(), result.duplicates(), result.rejected(), seconds, result.accepted() / seconds, cpu);
    } finally {
      Files.deleteIfExists(storeFile);
      Files.deleteIfExists(Path.of(storeFile + ".wal"));
    }
  }

  private static void reportLatency(Vertx vertx, long events, Path dir) throws Exception {
    Path storeFile = dir.resolve("report-" + events + ".duckdb");
    boolean fresh = !Files.exists(storeFile);
    try (DuckDbStore store = DuckDbStore.open(vertx, storeFile, StoreSettings.defaults(2, 1_800_000))) {
      if (fresh) {
        fill(store, events);
      }
      ReportQuery month = new ReportQuery(SITE, Instant.ofEpochMilli(START), Instant.ofEpochMilli(START + DAYS * 86_400_000L), 10);
      ReportQuery ragged = new ReportQuery(SITE, Instant.ofEpochMilli(START + 3_600_000L * 5 + 1_234_567),
          Instant.ofEpochMilli(START + DAYS * 86_400_000L - 3_600_000L * 7 - 7_654_321), 10);
      for (ReportQuery query : List.of(month, ragged)) {
        Report first = store.report(query).await();
        long[] millis = new long[7];
        Report ours = first;
        for (int i = 0; i < millis.length; i++) {
          long t0 = System.nanoTime();
          ours = store.report(query).await();
          millis[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        Arrays.sort(millis);
        long t0 = System.nanoTime();
        Report naive = store.withReader(connection -> NaiveReport.report(connection, query));
        long naiveMillis = (System.nanoTime() - t0) / 1_000_000;
        boolean same = ours.equals(naive);
        System.out.printf("report %s .. %s: ours median %d ms (min %d, max %d) | naive query-time sessionisation %d ms | ratio %.0fx | same answer: %s%n",
            query.from(), query.to(), millis[millis.length / 2], millis[0], millis[millis.length - 1], naiveMillis,
            naiveMillis / (double) Math.max(1, millis[millis.length / 2]), same);
        System.out.printf("  pageviews %,d visitors %,d sessions %,d avgSession %.3f s bounce %.4f%n",
            ours.pageviews(), ours.visitors(), ours.sessions(), ours.avgSessionSeconds(), ours.bounceRate());
        if (!same) {
          System.out.println("  ours:  " + ours);
          System.out.println("  naive: " + naive);
          System.exit(1);
        }
      }
    }
  }

  private static void fill(DuckDbStore store, long events) {
    TrafficGenerator traffic = new TrafficGenerator(SITE, START, DAYS, 1_000_000, events, 7);
    List<Event> batch = new ArrayList<>(BATCH);
    long stored = 0;
    long t0 = System.nanoTime();
    while (traffic.hasNext()) {
      batch.add(traffic.next());
      if (batch.size() == BATCH) {
        stored += store.insert(batch, null).accepted();
        batch.clear();
        if (stored % 1_000_000 < BATCH) {
          double seconds = (System.nanoTime() - t0) / 1e9;
          System.out.printf("  loaded %,d events in %.0f s (%,.0f events/s)%n", stored, seconds, stored / seconds);
        }
      }
    }
    stored += store.insert(batch, null).accepted();
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("fill: %,d events in %.1f s = %,.0f events/s (store insert + incremental sessions, no JSON)%n", stored, seconds, stored / seconds);
  }
}
