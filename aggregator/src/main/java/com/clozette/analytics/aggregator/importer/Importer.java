package com.clozette.analytics.aggregator.importer;

import com.clozette.analytics.aggregator.load.UserAgentEnrichment;
import com.clozette.analytics.aggregator.store.EventStore;
import com.clozette.analytics.aggregator.store.IngestResult;
import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventParser;
import com.clozette.analytics.event.InvalidEventException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Imports NDJSON in the RULES.md event format. A run takes its lines a chunk at a time, so memory
 * stays bounded by the chunk size whatever the size of the input; each chunk is stored in one
 * transaction, and when the run finishes every accepted event is visible in reports.
 */
public final class Importer {
  public static final int MAX_ERRORS = 100;
  /** Lines longer than this are rejected without being parsed. */
  public static final int MAX_LINE_BYTES = 64 * 1024;
  /**
   * Lines a chunk of an import, over HTTP or from the command line: two of DuckDB's row groups (122,880 rows). A transaction
   * that inserts whole row groups has DuckDB write them compressed straight to the database file
   * instead of the WAL; with 50,000-line chunks all of it went through the WAL (183 MB for 1M
   * events, 63 MB now) and the import took about 15% more CPU and time. The store benchmark's
   * 1M-event import still runs in a 1 GB heap (two chunks in memory: one parsing, one storing).
   */
  public static final int CHUNK_LINES = 2 * 122_880;
  /**
   * A chunk also ends at this many bytes of input, whatever its line count: lines may be up to 64 KB,
   * and 245,760 of them would be 16 GB. Parsed, a chunk takes about three times its bytes of heap
   * (two chunks are in memory), and DuckDB stores it within its memory limit: 16 MB (about 50,000
   * lines of the usual ~330 bytes) keeps an import within the server's own bounds
   * (README "Memory"); two whole row groups of such lines would need about 80 MB a chunk.
   */
  public static final int CHUNK_BYTES = 16 << 20;

  private final EventParser parser;
  private final UserAgentEnrichment userAgents;
  private final EventStore store;
  private final MeterRegistry metrics;

  public Importer(EventParser parser, UserAgentClassifier userAgents, EventStore store, MeterRegistry metrics) {
    this.parser = parser;
    this.userAgents = new UserAgentEnrichment(userAgents, metrics, "import");
    this.store = store;
    this.metrics = metrics;
  }

  public Run start() {
    return new Run();
  }

  /**
   * One import. Chunks go through {@link #parse} in input order and then through {@link #store} in
   * the same order; the two may overlap (the next chunk parses while the last one is stored), but
   * each is called by one thread at a time. Then {@link #finish()}.
   */
  public final class Run {
    // Written by parse only.
    private long lineNumber;
    private long rejected;
    private final List<ImportResult.LineError> errors = new ArrayList<>();
    // Written by store only.
    private IngestResult stored = IngestResult.NONE;

    /** Validates and enriches a chunk of lines, recording the rejected ones. CPU only. */
    public List<Event> parse(List<byte[]> lines) {
      List<Event> events = new ArrayList<>(lines.size());
      for (byte[] line : lines) {
        lineNumber++;
        if (line == null) {
          reject("line is longer than " + MAX_LINE_BYTES + " bytes", "line_too_long");
          continue;
        }
        String text = new String(line, StandardCharsets.UTF_8);
        if (text.isBlank()) {
          continue;
        }
        try {
          Event event = parser.parse(text);
          events.add(userAgents.classify(event));
        } catch (InvalidEventException e) {
          reject(e.getMessage(), e.reason());
        }
      }
      return events;
    }

    /** Stores parsed events in one transaction. Blocking: call it off the event loop. */
    public void store(List<Event> events) {
      stored = stored.plus(store.insert(events, null));
      userAgents.countBots(events);
    }

    /** Imports a whole stream (the command line's way in), parsing each chunk while the last one is stored. */
    public ImportResult importAll(java.io.InputStream in) throws java.io.IOException {
      java.util.concurrent.ExecutorService storer = java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        java.util.concurrent.Future<?>[] storing = {java.util.concurrent.CompletableFuture.completedFuture(null)};
        Chunk chunk = new Chunk(CHUNK_LINES, CHUNK_BYTES);
        Runnable handOver = () -> {
          List<Event> events = parse(chunk.drain());
          awaitQuietly(storing[0]);
          storing[0] = storer.submit(() -> store(events));
        };
        LineSplitter splitter = new LineSplitter(MAX_LINE_BYTES, line -> {
          if (chunk.add(line)) {
            handOver.run();
          }
        });
        byte[] buffer = new byte[1 << 16];
        int read;
        while ((read = in.read(buffer)) > 0) {
          splitter.feed(read == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, read));
        }
        splitter.end();
        handOver.run();
        awaitQuietly(storing[0]);
        return finish();
      } finally {
        storer.shutdown();
      }
    }

    public ImportResult finish() {
      metrics.counter("analytics.import.events", "outcome", "accepted").increment(stored.accepted());
      metrics.counter("analytics.import.events", "outcome", "duplicate").increment(stored.duplicates());
      return new ImportResult(stored.accepted(), stored.duplicates(), rejected, List.copyOf(errors));
    }

    private static void awaitQuietly(java.util.concurrent.Future<?> storing) {
      try {
        storing.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("import interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
      }
    }

    private void reject(String message, String reason) {
      rejected++;
      metrics.counter("analytics.events.rejected", "source", "import", "reason", reason).increment();
      if (errors.size() < MAX_ERRORS) {
        errors.add(new ImportResult.LineError(lineNumber, message));
      }
    }
  }
}
