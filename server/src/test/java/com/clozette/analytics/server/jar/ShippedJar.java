package com.clozette.analytics.server.jar;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar ({@code server/target/clozette-analytics.jar}) run as an operator runs it: its own
 * JVM, working directory a fresh data dir (so it finds nothing beside it), the repository's config
 * and the environment given; {@link #close()} stops it with SIGTERM, then SIGKILL.
 */
final class ShippedJar implements AutoCloseable {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The JVM options of README's start command (its MALLOC_ARENA_MAX=2 is set by {@link #start}). */
  static final List<String> README_JVM_OPTIONS = List.of("-Xmx384m");

  private final Process process;
  private final Path log;
  private final int port;

  private ShippedJar(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  static Path path() {
    Path jar = MODULE.resolve("target/clozette-analytics.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: these tests run after `mvn package` (mvn verify)");
    }
    return jar;
  }

  static Path repository() {
    return MODULE.getParent();
  }

  /** Starts the jar on a free port of 127.0.0.1 and waits until /health answers 200. */
  static ShippedJar start(Path dataDir, String name, Map<String, String> environment, List<String> jvmOptions) throws Exception {
    int port = freePort();
    Path logs = MODULE.resolve("target/shipped-jar-it");
    Files.createDirectories(logs);
    Path log = logs.resolve(name + ".log");
    Map<String, String> env = new HashMap<>();
    env.put("ANALYTICS_CONFIG", repository().resolve("config/analytics.yaml").toString());
    env.put("ANALYTICS_PORT", Integer.toString(port));
    env.put("ANALYTICS_HOST", "127.0.0.1");
    env.put("ANALYTICS_DATA_DIR", dataDir.toString());
    env.put("MALLOC_ARENA_MAX", "2");
    env.putAll(environment);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(path().toString());
    ProcessBuilder builder = new ProcessBuilder(command).directory(dataDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    ShippedJar jar = new ShippedJar(builder.start(), log, port);
    jar.awaitHealthy();
    return jar;
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  private void awaitHealthy() throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the jar exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    close();
    throw new IllegalStateException("the jar did not become healthy in " + START_TIMEOUT + ":\n" + log());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
