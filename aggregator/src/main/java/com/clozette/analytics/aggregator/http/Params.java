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

  /**
   * An instant ({@code 2026-11-02T00:00:00Z}) or a date ({@code 2026-11-02}), the date being the
   * start of that day in the given zone: so from=2026-11-02&to=2026-11-03 is one local day.
   */
  public static Instant instantOrDate(RoutingContext ctx, String name, java.time.ZoneId zone) {
    String value = required(ctx, name);
    if (value.length() == 10) {
      try {
        return java.time.LocalDate.parse(value).atStartOfDay(zone).toInstant();
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("invalid_parameter", name + " must be a date such as 2026-11-02 or an instant such as 2026-11-02T00:00:00Z, not '" + abbreviate(value) + "'");
      }
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("invalid_parameter", name + " must be a date such as 2026-11-02 or an instant such as 2026-11-02T00:00:00Z, not '" + abbreviate(value) + "'");
    }
  }

  /** site, from and to of a request, checked: from before to. */
  public record Range(String site, Instant from, Instant to, java.time.ZoneId zone) {}

  /** The range of a request whose site the caller's token may read; 403 otherwise. */
  public static Range grantedRange(RoutingContext ctx, Sites sites, io.micrometer.core.instrument.MeterRegistry metrics) {
    Range range = range(ctx, sites);
    com.clozette.analytics.aggregator.auth.AuthHandler.requireSite(ctx, range.site(), metrics);
    return range;
  }

  public static Range range(RoutingContext ctx, Sites sites) {
    String site = required(ctx, "site");
    java.time.ZoneId zone = sites.zoneOf(site);
    Instant from = instantOrDate(ctx, "from", zone);
    Instant to = instantOrDate(ctx, "to", zone);
    if (!from.isBefore(to)) {
      throw ApiException.badRequest("invalid_range", "from must be before to");
    }
    return new Range(site, from, to, zone);
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
