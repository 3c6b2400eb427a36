package com.clozette.analytics.server.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.server.TestSystem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's promise: an event it acknowledged (204 or the GIF) is never lost. The system runs
 * as a separate JVM; concurrent clients drive /collect and /p.gif and note every acknowledged event
 * id; the JVM is killed with SIGKILL mid-stream; the system is started again on the same data dir,
 * and once it has loaded its log, every acknowledged id must be in the store.
 */
class CollectorKillNineTest {
  private static final int CLIENTS = 8;
  private static final int ACKS_BEFORE_KILL = 2_000;
  private static final Duration MAX_STREAM = Duration.ofSeconds(15);
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
  private static final String PAGE = "https%3A%2F%2Fwww.clozette.co.id%2Flooks%2F";

  @TempDir Path dataDir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void everyAcknowledgedEventIsInTheStoreAfterTheServerIsKilledWithSigkill() throws Exception {
    Process server = startServerProcess();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicBoolean killed = new AtomicBoolean();
    try {
      int port = awaitListening(server);
      CountDownLatch enoughAcks = new CountDownLatch(ACKS_BEFORE_KILL);
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int client = 0; client < CLIENTS; client++) {
        int id = client;
        clients.add(CompletableFuture.runAsync(() -> drive(id, port, acknowledged, enoughAcks, killed)));
      }
      enoughAcks.await(MAX_STREAM.toSeconds(), TimeUnit.SECONDS);
      killed.set(true);
      server.destroyForcibly();
      assertTrue(server.waitFor(10, TimeUnit.SECONDS));
      assertEquals(128 + 9, server.exitValue(), "the server died of SIGKILL");
      CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } finally {
      server.destroyForcibly();
    }
    assertTrue(acknowledged.size() >= ACKS_BEFORE_KILL, "only " + acknowledged.size() + " events were acknowledged");

    try (TestSystem restarted = TestSystem.start(dataDir)) {
      restarted.server().awaitLoaded(Duration.ofSeconds(30));
    }
    Set<String> stored = storedIds();
    Set<String> lost = new HashSet<>(acknowledged);
    lost.removeAll(stored);
    assertTrue(lost.isEmpty(), lost.size() + " of " + acknowledged.size() + " acknowledged events are not in the store, e.g. "
        + lost.stream().limit(10).toList());
  }

  /** One client: alternately a /collect batch of three events and a pixel, until the server dies. */
  private static void drive(int client, int port, Set<String> acknowledged, CountDownLatch enoughAcks, AtomicBoolean killed) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    for (int request = 0; !killed.get(); request++) {
      List<String> ids = new ArrayList<>();
      HttpRequest.Builder builder;
      if (request % 2 == 0) {
        StringBuilder batch = new StringBuilder("{\"events\": [");
        for (int i = 0; i < 3; i++) {
          String id = "c" + client + "-" + request + "-" + i;
          ids.add(id);
          batch.append(i == 0 ? "" : ",").append("{\"id\": \"").append(id)
              .append("\", \"site\": \"clozette-id\", \"vid\": \"v").append(client).append("\", \"url\": \"https://www.clozette.co.id/looks/")
              .append(request).append("\"}");
        }
        builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/collect"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(batch.append("]}").toString()));
      } else {
        String id = "p" + client + "-" + request;
        ids.add(id);
        builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/p.gif?site=clozette-id&id=" + id
            + "&vid=v" + client + "&url=" + PAGE + request)).GET();
      }
      try {
        HttpResponse<Void> response = http.send(builder.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200 || response.statusCode() == 204) {
          acknowledged.addAll(ids);
          ids.forEach(i -> enoughAcks.countDown());
        }
      } catch (IOException e) {
        if (!killed.get()) {
          throw new UncheckedIOException("request failed while the server was alive", e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Process startServerProcess() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), "com.clozette.analytics.server.Main");
    builder.environment().put("ANALYTICS_CONFIG", TestSystem.repositoryConfig().toString());
    builder.environment().put("ANALYTICS_PORT", "0");
    builder.environment().put("ANALYTICS_HOST", "127.0.0.1");
    builder.environment().put("ANALYTICS_DATA_DIR", dataDir.toString());
    builder.environment().put("ANALYTICS_STAFF_TOKEN", TestSystem.STAFF_TOKEN);
    return builder.redirectErrorStream(true).start();
  }

  /** Reads the server's log until it says where it listens, then keeps draining it so it never blocks. */
  private static int awaitListening(Process server) throws Exception {
    BufferedReader log = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        String line;
        while ((line = log.readLine()) != null) {
          Matcher listening = LISTENING.matcher(line);
          if (listening.find()) {
            port.complete(Integer.parseInt(listening.group(1)));
          }
        }
        port.completeExceptionally(new IllegalStateException("the server exited before it listened"));
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
    }, "server-log");
    reader.setDaemon(true);
    reader.start();
    return port.get(40, TimeUnit.SECONDS);
  }

  private Set<String> storedIds() throws SQLException {
    Set<String> ids = new HashSet<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + dataDir.resolve("analytics.duckdb"));
        Statement query = db.createStatement();
        ResultSet rows = query.executeQuery("SELECT id FROM events WHERE site = 'clozette-id'")) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }
}
