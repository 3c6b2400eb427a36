package com.clozette.analytics.collector;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** The JSON error body every collector rejection shares with the API: {@code {"error", "message"}}. */
public final class ErrorResponse {
  private ErrorResponse() {}

  public static void send(HttpServerResponse response, int status, String error, String message) {
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", error).put("message", message).encode());
  }
}
