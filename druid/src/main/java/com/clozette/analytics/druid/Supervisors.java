package com.clozette.analytics.druid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits the Kafka supervisor specs of the spec folder to the overlord when a supervisor of that
 * datasource is not running yet. An existing supervisor is left alone: changing a spec is an
 * operator's decision (resubmitting resets nothing, but it restarts the ingestion tasks).
 */
public final class Supervisors {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisors.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Supervisors() {}

  /** The specs of the folder with {@code ${NAME}} replaced by the variables; fails on an unknown name. */
  public static List<JsonNode> load(Path specDir, Map<String, String> variables) throws IOException {
    List<JsonNode> specs = new ArrayList<>();
    try (Stream<Path> files = Files.list(specDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        String text = Files.readString(file);
        for (Map.Entry<String, String> variable : variables.entrySet()) {
          text = text.replace("${" + variable.getKey() + "}", variable.getValue());
        }
        int unresolved = text.indexOf("${");
        if (unresolved >= 0) {
          throw new IOException(file + ": unknown variable " + text.substring(unresolved, text.indexOf('}', unresolved) + 1));
        }
        specs.add(JSON.readTree(text));
      }
    }
    if (specs.isEmpty()) {
      throw new IOException("no Druid supervisor specs (*.json) in " + specDir.toAbsolutePath());
    }
    return specs;
  }

  /** Submits each spec whose datasource has no supervisor; the future fails naming what Druid refused. */
  public static Future<Void> submitMissing(WebClient client, DruidSettings settings, List<JsonNode> specs) {
    String base = settings.overlordUrl().replaceAll("/+$", "") + "/druid/indexer/v1/supervisor";
    return client.getAbs(base).timeout(settings.queryTimeout().toMillis()).send()
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture(new DruidSql.DruidException("overlord answered " + response.statusCode() + " to " + base));
          }
          Set<String> running = new HashSet<>();
          response.bodyAsJsonArray().forEach(id -> running.add(String.valueOf(id)));
          Future<Void> chain = Future.succeededFuture();
          for (JsonNode spec : specs) {
            String datasource = spec.path("spec").path("dataSchema").path("dataSource").asText();
            if (running.contains(datasource)) {
              continue;
            }
            chain = chain.compose(done -> client.postAbs(base)
                .timeout(settings.queryTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(spec.toString()))
                .compose(posted -> {
                  if (posted.statusCode() != 200) {
                    return Future.failedFuture(new DruidSql.DruidException(
                        "overlord refused the supervisor of " + datasource + " (" + posted.statusCode() + "): " + posted.bodyAsString()));
                  }
                  LOG.info("submitted the Druid supervisor of {}", datasource);
                  return Future.succeededFuture();
                }));
          }
          return chain;
        });
  }
}
