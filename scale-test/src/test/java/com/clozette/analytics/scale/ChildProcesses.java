package com.clozette.analytics.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Child JVMs of the scale-out tests: started with this JVM's java in a working folder, output to a log file. */
final class ChildProcesses {
  private ChildProcesses() {}

  static Process spawn(Path workDir, Path log, List<String> jvmArgs) throws IOException {
    return spawn(workDir, log, jvmArgs, Map.of());
  }

  /** With {@code env} added to this JVM's environment. */
  static Process spawn(Path workDir, Path log, List<String> jvmArgs, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  /** Runs a tool to its end and answers what it printed; fails when it fails or takes over a minute. */
  static String run(Path workDir, Path log, List<String> jvmArgs) throws IOException, InterruptedException {
    Process process = spawn(workDir, log, jvmArgs);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("a tool failed; see " + log);
    }
    return Files.readString(log);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
