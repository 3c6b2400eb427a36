package com.clozette.analytics.aggregator.http;

import com.clozette.analytics.aggregator.auth.AuthHandler;
import com.clozette.analytics.aggregator.report.Interval;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Reads query parameters, failing with a 400 {@link ApiException} that names the parameter. */
public final class Params {
  /**
   * Every range lies within [2000-01-01, 2100-01-01) in the site's zone. Checked on the two
   * instants before anything is computed from them, so that no request can make the server walk
   * the days or hours of thousands of years.
   */
  public static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);
  public static final LocalDate LATEST = LocalDate.of(2100, 1, 1);
  /** The most buckets a time series may have: 93 days by hour. */
  public static final int MAX_BUCKETS = 24 * 93;

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
  public static Instant instantOrDate(RoutingContext ctx, String name, ZoneId zone) {
    String value = required(ctx, name);
    try {
      return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(zone).toInstant() : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("invalid_parameter", name + " must be a date such as 2026-11-02 or an instant such as 2026-11-02T00:00:00Z, not '" + abbreviate(value) + "'");
    }
  }

  /** site, from and to of a request, checked: from before to, both within the years the API serves. */
  public record Range(String site, Instant from, Instant to, ZoneId zone) {
    /** The local date of an instant of this range; safe because the range lies within the window. */
    public LocalDate dateOf(Instant instant) {
      return instant.atZone(zone).toLocalDate();
    }

    public Instant startOf(LocalDate date) {
      return date.atStartOfDay(zone).toInstant();
    }
  }

  /**
   * The range of a request whose site the caller's token may read (403 otherwise). A site that is
   * not configured reads as having no data: RULES.md has reports answer zeros for it.
   */
  public static Range grantedRange(RoutingContext ctx, Sites sites, MeterRegistry metrics) {
    String site = required(ctx, "site");
    AuthHandler.requireSite(ctx, site, metrics);
    return range(ctx, site, sites.zoneOf(site));
  }

  /**
   * The range of an export: a site the token may read (403 otherwise, whether or not it exists, so
   * a partner learns nothing of sites it was not granted) and that is configured (400
   * {@code unknown_site}: an export is a file named after its site), of whole days in the site's
   * zone (400 {@code partial_day}: a cell of part of a day can hold a single person, and an
   * aggregate of one person is that person's data).
   */
  public static Range grantedWholeDays(RoutingContext ctx, Sites sites, MeterRegistry metrics) {
    String site = required(ctx, "site");
    AuthHandler.requireSite(ctx, site, metrics);
    if (!sites.isConfigured(site)) {
      throw ApiException.badRequest("unknown_site", "site '" + abbreviate(site) + "' is not configured");
    }
    Range range = range(ctx, site, sites.zoneOf(site));
    if (!range.startOf(range.dateOf(range.from())).equals(range.from()) || !range.startOf(range.dateOf(range.to())).equals(range.to())) {
      throw ApiException.badRequest("partial_day", "exports hold whole days in the site's time zone (" + range.zone().getId()
          + "): give from and to as dates such as 2026-11-02, or as instants at midnight there");
    }
    return range;
  }

  private static Range range(RoutingContext ctx, String site, ZoneId zone) {
    return checkedRange(site, instantOrDate(ctx, "from", zone), instantOrDate(ctx, "to", zone), zone);
  }

  /** A range however it was given, checked: from before to, both within the years the API serves (400 invalid_range). */
  public static Range checkedRange(String site, Instant from, Instant to, ZoneId zone) {
    Instant earliest = EARLIEST.atStartOfDay(zone).toInstant();
    Instant latest = LATEST.atStartOfDay(zone).toInstant();
    if (from.isBefore(earliest) || to.isAfter(latest)) {
      throw ApiException.badRequest("invalid_range",
          "from and to must lie between " + EARLIEST + " and " + LATEST + " in the site's time zone (" + zone.getId() + ")");
    }
    if (!from.isBefore(to)) {
      throw ApiException.badRequest("invalid_range", "from must be before to");
    }
    return new Range(site, from, to, zone);
  }

  /**
   * Refuses (400 too_many_buckets) a range that would make more than {@link #MAX_BUCKETS} buckets of
   * the interval, counted arithmetically before any bucket is built. The count may be one over (a
   * range ending on a bucket start), hence the tolerance.
   */
  public static void requireBucketsWithinCap(Interval interval, Instant from, Instant to, ZoneId zone) {
    if (interval.bucketsAtMost(from, to, zone) > MAX_BUCKETS + 1) {
      throw ApiException.badRequest("too_many_buckets", "at most " + MAX_BUCKETS + " buckets (93 days by hour): choose a longer interval or a shorter range");
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
