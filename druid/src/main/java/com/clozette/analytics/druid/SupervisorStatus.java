package com.clozette.analytics.druid;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.Map;

/**
 * What a datasource's Kafka supervisor reports: its state and, per partition, the offset its reading
 * tasks will read next (the highest over its active tasks; none while no task reads the partition).
 *
 * <p>Druid's own lag ({@code aggregateLag}) is not a readiness signal: the stream processor writes in
 * Kafka transactions, whose commit markers take offsets but are never delivered, so the lag of a
 * caught-up supervisor stays at one or more per partition. Whether committed records remain after
 * {@link #nextOffsets()} is Kafka's to say.
 */
public record SupervisorStatus(String datasource, String state, Map<Integer, Long> nextOffsets) {
  public static final String UNREACHABLE = "UNREACHABLE";

  /** The status of the supervisor of {@code datasource}; a failed request fails the future. */
  public static Future<SupervisorStatus> fetch(WebClient client, DruidSettings settings, String datasource) {
    String url = settings.overlordUrl().replaceAll("/+$", "") + "/druid/indexer/v1/supervisor/" + datasource + "/status";
    return client.getAbs(url).timeout(settings.queryTimeout().toMillis()).send().compose(response -> {
      if (response.statusCode() == 404) {
        return Future.succeededFuture(new SupervisorStatus(datasource, "MISSING", Map.of()));
      }
      if (response.statusCode() != 200) {
        return Future.failedFuture(new DruidSql.DruidException("overlord answered " + response.statusCode() + " to " + url));
      }
      return Future.succeededFuture(parse(datasource, response.bodyAsJsonObject()));
    });
  }

  static SupervisorStatus parse(String datasource, JsonObject status) {
    JsonObject payload = status.getJsonObject("payload", new JsonObject());
    Map<Integer, Long> next = new HashMap<>();
    payload.getJsonArray("activeTasks", new JsonArray()).forEach(task -> {
      JsonObject offsets = ((JsonObject) task).getJsonObject("currentOffsets", new JsonObject());
      for (String partition : offsets.fieldNames()) {
        next.merge(Integer.parseInt(partition), offsets.getLong(partition), Math::max);
      }
    });
    return new SupervisorStatus(datasource, payload.getString("detailedState", payload.getString("state", "UNKNOWN")), Map.copyOf(next));
  }
}
