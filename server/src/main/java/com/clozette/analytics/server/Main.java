package com.clozette.analytics.server;

import com.clozette.analytics.server.config.AnalyticsConfig;
import com.clozette.analytics.server.config.ConfigException;
import com.clozette.analytics.server.config.ConfigLoader;

/**
 * {@code java -jar clozette-analytics.jar} starts the system; {@code ... import FILE.ndjson} imports
 * a file into the store of a stopped system (the same importer as {@code POST /api/v1/import}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    AnalyticsConfig config;
    try {
      config = ConfigLoader.load(System.getenv());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (args.length >= 1 && args[0].equals("import")) {
      if (args.length != 2) {
        System.err.println("usage: java -jar clozette-analytics.jar import FILE.ndjson");
        System.exit(2);
      }
      System.exit(ImportCommand.run(config, java.nio.file.Path.of(args[1])));
    }
    AnalyticsServer.start(config)
        .onSuccess(server -> Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown")))
        .onFailure(failure -> {
          System.err.println("Clozette Analytics failed to start: " + failure.getMessage());
          failure.printStackTrace();
          System.exit(1);
        });
  }
}
