package com.clozette.analytics.scale;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real single-machine Kafka 4.1 (KRaft) and Druid 33 cluster as child JVMs, from the jars the
 * {@code druid} Maven profile copied into {@code target/druid} and {@code target/kafka} (never on this
 * JVM's classpath): ZooKeeper, Kafka, coordinator-as-overlord, broker, historical and indexer with
 * 256 MB heaps, the recipe of shared/druid-test-cluster with its own ports, so it runs beside the
 * system on 8080 and the shared cluster on 8081-8091. {@link #close()} stops it in the order that
 * does not hang (coordinator first, ZooKeeper last), also from a shutdown hook.
 */
public final class DruidCluster implements AutoCloseable {
  public static final String KAFKA_BOOTSTRAP = "localhost:29092";
  public static final String OVERLORD = "http://localhost:28081";
  public static final String BROKER = "http://localhost:28082";
  private static final int ZK_PORT = 22181;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  private static final String OPENS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED "
      + "--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED "
      + "--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path root;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Thread shutdownHook = new Thread(this::stopAll, "druid-cluster-stop");

  private DruidCluster(Path root) {
    this.root = root;
  }

  /**
   * Starts everything in a fresh {@code root} and returns once every service answers ready, or stops
   * what it started and fails.
   */
  public static DruidCluster start(Path moduleDir, Path root) throws IOException, InterruptedException {
    Path jars = moduleDir.resolve("target");
    for (Path needed : List.of(jars.resolve("druid/lib"), jars.resolve("kafka/lib"), jars.resolve("druid/extensions/druid-datasketches"))) {
      if (!Files.isDirectory(needed)) {
        throw new IllegalStateException(needed + " is missing: run with -Pdruid, which copies the Kafka and Druid jars");
      }
    }
    ChildProcesses.deleteTree(root);
    Files.createDirectories(root.resolve("var/log"));
    Files.createDirectories(root.resolve("var/tmp"));
    Files.createDirectories(root.resolve("var/druid"));
    Files.createSymbolicLink(root.resolve("lib"), jars.resolve("druid/lib").toAbsolutePath());
    Files.createSymbolicLink(root.resolve("extensions"), jars.resolve("druid/extensions").toAbsolutePath());
    Files.createSymbolicLink(root.resolve("kafka-lib"), jars.resolve("kafka/lib").toAbsolutePath());
    copyConfig(moduleDir.resolve("src/test/cluster/conf"), root.resolve("conf"), root.toAbsolutePath().toString());

    DruidCluster cluster = new DruidCluster(root);
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      cluster.startAll();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void startAll() throws IOException, InterruptedException {
    spawn("zk", List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", "lib/*",
        "-Dlog4j.configurationFile=conf/_common/log4j2.xml", "org.apache.zookeeper.server.ZooKeeperServerMain", "conf/zk/zoo.cfg"));
    List<String> kafkaJvm = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dlog4j.configurationFile=conf/kafka/log4j2.xml", "-cp", "kafka-lib/*");
    String clusterId = runTool("kafka-uuid", kafkaJvm, List.of("kafka.tools.StorageTool", "random-uuid")).strip();
    clusterId = clusterId.substring(clusterId.lastIndexOf('\n') + 1);
    runTool("kafka-format", kafkaJvm, List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", "conf/kafka/server.properties"));
    List<String> kafka = new ArrayList<>(List.of("-Xms256m", "-Xmx256m"));
    kafka.addAll(kafkaJvm);
    kafka.addAll(List.of("kafka.Kafka", "conf/kafka/server.properties"));
    spawn("kafka", kafka);
    await("ZooKeeper", this::zookeeperAnswers);
    spawn("coordinator", druid("coordinator", "256m", "128m"));
    spawn("broker", druid("broker", "256m", "256m"));
    spawn("historical", druid("historical", "256m", "256m"));
    spawn("indexer", druid("indexer", "256m", "256m"));
    awaitHttp(OVERLORD + "/status/health", body -> body.contains("true"));
    awaitHttp(OVERLORD + "/druid/indexer/v1/leader", body -> body.contains("localhost"));
    awaitHttp("http://localhost:28083/druid/historical/v1/readiness", body -> true);
    awaitHttp("http://localhost:28091/status/health", body -> body.contains("true"));
    awaitHttp(BROKER + "/druid/broker/v1/readiness", body -> true);
    awaitHttp(OVERLORD + "/druid/indexer/v1/workers", body -> body.contains("localhost:28091"));
    await("Kafka", () -> {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("localhost", 29092), 1000);
        return true;
      } catch (IOException notYet) {
        return false;
      }
    });
  }

  private List<String> druid(String service, String heap, String direct) {
    List<String> args = new ArrayList<>(List.of(OPENS.split(" ")));
    args.addAll(List.of("-server", "-Xms" + heap, "-Xmx" + heap, "-XX:MaxDirectMemorySize=" + direct, "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-Duser.timezone=UTC", "-Dfile.encoding=UTF-8",
        "-Djava.io.tmpdir=var/tmp", "-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager",
        "-Dlog4j.configurationFile=conf/_common/log4j2.xml", "-Dderby.stream.error.file=var/druid/derby.log",
        "-cp", "conf/_common:conf/" + service + ":lib/*", "org.apache.druid.cli.Main", "server", service));
    return args;
  }

  private void spawn(String name, List<String> jvmArgs) throws IOException {
    processes.put(name, ChildProcesses.spawn(root, log(name), jvmArgs));
  }

  private String runTool(String name, List<String> jvmArgs, List<String> args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(jvmArgs);
    all.addAll(args);
    return ChildProcesses.run(root, log(name), all);
  }

  private Path log(String name) {
    return root.resolve("var/log/" + name + ".log");
  }

  private boolean zookeeperAnswers() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("localhost", ZK_PORT), 1000);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("ruok".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readNBytes(4), StandardCharsets.US_ASCII).equals("imok");
    } catch (IOException notYet) {
      return false;
    }
  }

  private void awaitHttp(String url, Predicate<String> ready) throws InterruptedException {
    await(url, () -> {
      try {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 && ready.test(response.body());
      } catch (IOException notYet) {
        return false;
      }
    });
  }

  interface Check {
    boolean ok() throws InterruptedException;
  }

  private void await(String what, Check check) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!check.ok()) {
      for (Map.Entry<String, Process> process : processes.entrySet()) {
        if (!process.getValue().isAlive()) {
          throw new IllegalStateException(process.getKey() + " exited while waiting for " + what + "; see "
              + root.resolve("var/log/" + process.getKey() + ".log"));
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not ready within " + READY_TIMEOUT + ": " + what + "; logs in " + root.resolve("var/log"));
      }
      Thread.sleep(500);
    }
  }

  /** Resident memory of each child JVM in KiB, from /proc (Linux), for the benchmark figures. */
  public Map<String, Long> residentKiB() throws IOException {
    Map<String, Long> rss = new LinkedHashMap<>();
    for (Map.Entry<String, Process> process : processes.entrySet()) {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.getValue().pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss.put(process.getKey(), Long.parseLong(line.replaceAll("\\D", "")));
        }
      }
    }
    return rss;
  }

  public Path root() {
    return root;
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException exiting) {
      // called from the hook itself while the JVM exits: nothing to remove
    }
  }

  /**
   * The recipe's order: the coordinator first (its supervisor manager waits on running Kafka tasks),
   * then broker, indexer and historical, then Kafka, then ZooKeeper (Druid JVMs retry forever without it).
   */
  private synchronized void stopAll() {
    for (List<String> group : List.of(List.of("coordinator"), List.of("broker", "indexer", "historical"), List.of("kafka"), List.of("zk"))) {
      List<Process> stopping = new ArrayList<>();
      for (String name : group) {
        Process process = processes.remove(name);
        if (process != null) {
          process.destroy();
          stopping.add(process);
        }
      }
      for (Process process : stopping) {
        try {
          if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          process.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static void copyConfig(Path from, Path to, String root) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.writeString(target, Files.readString(file).replace("@ROOT@", root));
        }
      }
    }
  }
}
