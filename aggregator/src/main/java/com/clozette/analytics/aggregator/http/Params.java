package com.clozette.analytics.aggregator.http;

import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads query parameters, failing with a 400 {@link ApiException} that names the parameter. */
public final class Params {
  private Params() {}

  public static String required(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest("missing_parameter", "query parameter '" + name + "' is required");
    }
    return value;
  }

  public static Instant instant(RoutingContext ctx, String name) {
    String value = required(ctx, name);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("invalid_parameter", name + " must be an ISO-8601 instant such as 2026-11-02T00:00:00Z, not '" + abbreviate(value) + "'");
    }
  }

  public static int integer(RoutingContext ctx, String name, int defaultValue, int min, int max) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid_parameter", name + " must be an integer from " + min + " to " + max);
    }
  }

  /** Echoes user input in error messages only in a bounded form. */
  public static String abbreviate(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }
}
