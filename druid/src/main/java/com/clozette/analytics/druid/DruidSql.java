package com.clozette.analytics.druid;

import com.clozette.analytics.aggregator.report.StoreUnavailableException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Druid client: one SQL statement with dynamic parameters, {@code POST /druid/v2/sql} over Vert.x
 * WebClient, rows back as Jackson objects. Values from users travel only as parameters, never as SQL text.
 */
public final class DruidSql {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebClient client;
  private final String url;
  private final long timeoutMillis;

  public DruidSql(WebClient client, String baseUrl, long timeoutMillis) {
    this.client = client;
    this.url = baseUrl.replaceAll("/+$", "") + "/druid/v2/sql";
    this.timeoutMillis = timeoutMillis;
  }

  /** A typed dynamic parameter ({@code ?} in the SQL). */
  public record Param(String type, Object value) {
    public static Param text(String value) {
      return new Param("VARCHAR", value);
    }

    public static Param number(long value) {
      return new Param("BIGINT", value);
    }
  }

  /** Runs the query; a table that does not exist yet (nothing ingested) answers no rows. */
  public Future<List<JsonNode>> query(String sql, List<Param> params) {
    ObjectNode body = JSON.createObjectNode();
    body.put("query", sql);
    body.put("resultFormat", "object");
    // SQL-standard timestamps in UTC: ranges are passed as epoch millis
    body.putObject("context").put("sqlTimeZone", "Etc/UTC");
    ArrayNode parameters = body.putArray("parameters");
    for (Param param : params) {
      parameters.addObject().put("type", param.type()).putPOJO("value", param.value());
    }
    return client.postAbs(url)
        .timeout(timeoutMillis)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body.toString()))
        .compose(response -> {
          JsonNode answer;
          try {
            answer = JSON.readTree(response.bodyAsString() == null ? "null" : response.bodyAsString());
          } catch (IOException e) {
            return Future.failedFuture(new DruidException("Druid answered " + response.statusCode() + " with a body that is not JSON"));
          }
          if (response.statusCode() == 200 && answer != null && answer.isArray()) {
            List<JsonNode> rows = new ArrayList<>(answer.size());
            answer.forEach(rows::add);
            return Future.succeededFuture(rows);
          }
          String message = answer == null ? "" : answer.path("errorMessage").asText(answer.toString());
          if (message.contains("not found") && message.contains("Object")) {
            return Future.succeededFuture(List.of());
          }
          return Future.failedFuture(new DruidException("Druid SQL failed (" + response.statusCode() + "): " + oneLine(message)));
        }, failure -> Future.failedFuture(new DruidException("Druid did not answer at " + url + ": " + oneLine(String.valueOf(failure.getMessage())))));
  }

  /** A reason fit for an API answer: its first line, at most 300 characters. */
  private static String oneLine(String text) {
    String line = text.lines().findFirst().orElse("");
    return line.length() <= 300 ? line : line.substring(0, 300) + "...";
  }

  /** Druid refused or failed a request, or did not answer: reports answer 503 {@code store_unavailable}. */
  public static final class DruidException extends StoreUnavailableException {
    private static final long serialVersionUID = 1L;

    public DruidException(String message) {
      super(message);
    }
  }
}
