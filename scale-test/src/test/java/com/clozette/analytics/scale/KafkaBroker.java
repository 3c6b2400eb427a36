package com.clozette.analytics.scale;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka 4.1 broker (KRaft, no ZooKeeper) as a child JVM on free loopback ports,
 * from the jars the {@code druid} profile copied into {@code target/kafka/lib}: for the tests that need
 * Kafka and not Druid. A fresh data folder each time it is started; {@link #close()} and
 * {@link #startAgain()} stop and restart it on the same data, for outages.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path root;
  private final List<String> command;
  private final int port;
  private Process process;

  private KafkaBroker(Path root, List<String> command, int port) {
    this.root = root;
    this.command = command;
    this.port = port;
  }

  public static KafkaBroker start(Path moduleDir, Path root) throws IOException, InterruptedException {
    Path jars = moduleDir.resolve("target/kafka/lib").toAbsolutePath();
    if (!Files.isDirectory(jars)) {
      throw new IllegalStateException(jars + " is missing: run with -Pdruid, which copies the Kafka jars");
    }
    ChildProcesses.deleteTree(root);
    Files.createDirectories(root);
    int port = freePort();
    int controllerPort = freePort();
    Path properties = root.resolve("server.properties");
    Files.writeString(properties, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + root.toAbsolutePath().resolve("data"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0", ""));
    List<String> jvm = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dlog4j.configurationFile="
        + moduleDir.toAbsolutePath().resolve("src/test/cluster/conf/kafka/log4j2.xml"), "-cp", jars + "/*");
    String uuidOutput = ChildProcesses.run(root, root.resolve("kafka-uuid.log"), concat(jvm, "kafka.tools.StorageTool", "random-uuid")).strip();
    String clusterId = uuidOutput.substring(uuidOutput.lastIndexOf('\n') + 1);
    ChildProcesses.run(root, root.resolve("kafka-format.log"), concat(jvm, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", properties.toString()));
    List<String> broker = new ArrayList<>(List.of("-Xms256m", "-Xmx256m"));
    broker.addAll(concat(jvm, "kafka.Kafka", properties.toString()));
    KafkaBroker started = new KafkaBroker(root, broker, port);
    started.startAgain();
    return started;
  }

  /** Starts the broker (again, after {@link #close()}) on the same ports and data; returns once it listens. */
  public void startAgain() throws IOException, InterruptedException {
    process = ChildProcesses.spawn(root, root.resolve("kafka.log"), command);
    try {
      awaitListening();
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  private void awaitListening() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka did not start; see " + root.resolve("kafka.log"));
        }
        Thread.sleep(250);
      }
    }
  }

  private static List<String> concat(List<String> jvm, String... args) {
    List<String> all = new ArrayList<>(jvm);
    all.addAll(List.of(args));
    return all;
  }

  /** A loopback port nobody listens on now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 15 s); its data stays for {@link #startAgain()}. */
  @Override
  public void close() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
