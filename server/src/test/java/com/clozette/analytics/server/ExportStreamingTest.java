package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports of long ranges are streamed a chunk at a time: the server stays responsive meanwhile, and
 * a client that hangs up stops the work done for it.
 */
class ExportStreamingTest {
  private static final String CENTURY = "site=clozette-id&from=2000-01-01&to=2100-01-01";
  /** 2000-01-01 to 2100-01-01 in chunks of 31 days. */
  private static final int CENTURY_CHUNKS = (36_525 + 30) / 31;
  @TempDir static Path dataDir;
  private static TestSystem system;

  @BeforeAll
  static void start() {
    system = TestSystem.start(dataDir);
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  @Test
  void aCenturyExportHasEveryDayWhileTheServerKeepsAnswering() throws Exception {
    // Warm: the first export and the first request of a connection pay class loading, not the loop.
    assertEquals(200, system.get("/api/v1/export?site=clozette-id&from=2026-11-01&to=2026-11-02&format=json", TestSystem.STAFF_TOKEN).statusCode());
    assertEquals(200, system.get("/health", null).statusCode());
    HttpRequest request = HttpRequest.newBuilder(system.uri("/api/v1/export?" + CENTURY + "&format=json"))
        .header("Authorization", "Bearer " + TestSystem.STAFF_TOKEN).timeout(Duration.ofSeconds(120)).GET().build();
    CompletableFuture<HttpResponse<String>> export = java.net.http.HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString());
    while (!export.isDone()) {
      assertEquals(200, system.get("/health", null).statusCode());
      Thread.sleep(20);
    }
    HttpResponse<String> response = export.get(120, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode());
    JsonNode rows = TestSystem.json(response.body()).get("rows");
    assertEquals(36_525, rows.size());
    assertEquals("2000-01-01", rows.get(0).get("date").asText());
    assertEquals("2099-12-31", rows.get(36_524).get("date").asText());
  }

  @Test
  void aClientThatDoesNotReadHoldsTheExportBack() throws Exception {
    double chunksBefore = metric("analytics_export_chunks_total");
    try (Socket socket = new Socket()) {
      // A small window: what the server cannot send stays in its socket buffer (4 MB at most here),
      // less than the century's JSON of about 6 MB.
      socket.setReceiveBufferSize(4_096);
      socket.connect(new InetSocketAddress("127.0.0.1", system.server().port()));
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(("GET /api/v1/export?" + CENTURY + "&format=json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
          + "Authorization: Bearer " + TestSystem.STAFF_TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      double held = chunksOnceSteady() - chunksBefore;
      assertTrue(held > 0 && held < CENTURY_CHUNKS, held + " of " + CENTURY_CHUNKS + " chunks computed for a client reading nothing");

      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(36_525, answer.split("\"date\":", -1).length - 1, "every day once the client reads");
      assertEquals(CENTURY_CHUNKS, metric("analytics_export_chunks_total") - chunksBefore);
    }
  }

  /** The chunk counter once it has not moved for half a second (ten seconds at most). */
  private static double chunksOnceSteady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    double last = -1;
    double now = metric("analytics_export_chunks_total");
    while (now != last && System.nanoTime() < deadline) {
      Thread.sleep(500);
      last = now;
      now = metric("analytics_export_chunks_total");
    }
    return now;
  }

  @Test
  void aClientThatHangsUpMidExportStopsItWithoutAnError() throws Exception {
    double abortedBefore = metric("analytics_exports_aborted_total");
    double chunksBefore = metric("analytics_export_chunks_total");
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(new TeeStream(stderr, logged), true, StandardCharsets.UTF_8));
    try {
      try (Socket socket = new Socket("127.0.0.1", system.server().port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        // Another site than the test above, so that no chunk comes from the report cache.
        out.write(("GET /api/v1/export?" + CENTURY.replace("clozette-id", "clozette-sg") + "&format=csv HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + TestSystem.STAFF_TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String start = new String(in.readNBytes(2_000), StandardCharsets.US_ASCII);
        assertTrue(start.startsWith("HTTP/1.1 200"), start);
        assertTrue(start.contains("2000-01-01"), start);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (metric("analytics_exports_aborted_total") < abortedBefore + 1 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(abortedBefore + 1, metric("analytics_exports_aborted_total"), "the hang-up is counted; chunks: "
          + (metric("analytics_export_chunks_total") - chunksBefore) + ", exports: " + metric("analytics_exports_total"));
      double chunksAfterHangUp = metric("analytics_export_chunks_total");
      Thread.sleep(500);
      assertEquals(chunksAfterHangUp, metric("analytics_export_chunks_total"), "no chunk is computed once the client has gone");
      assertTrue(chunksAfterHangUp - chunksBefore < CENTURY_CHUNKS, (chunksAfterHangUp - chunksBefore) + " chunks computed for a client that left");

      assertEquals(200, system.get("/health", null).statusCode());
    } finally {
      System.setErr(stderr);
    }
    String log = logged.toString(StandardCharsets.UTF_8);
    assertFalse(log.contains("StackOverflowError"), log.length() > 2_000 ? log.substring(0, 2_000) : log);
    assertFalse(log.contains("Unhandled exception"), log.length() > 2_000 ? log.substring(0, 2_000) : log);
  }

  /** The sum of a Prometheus counter over its labels, 0 when it has none yet. */
  private static double metric(String name) {
    double sum = 0;
    for (String line : system.get("/metrics", null).body().split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Copies what the server logs to standard error, so the test can read it. */
  private static final class TeeStream extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    TeeStream(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      first.write(bytes, offset, length);
      second.write(bytes, offset, length);
    }
  }
}
