package com.clozette.analytics.aggregator.report;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** Time-series bucket sizes, aligned to the site's time zone (weeks start on Monday). */
public enum Interval {
  HOUR, DAY, WEEK, MONTH;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The start of the bucket holding this instant, in the zone. */
  public ZonedDateTime floor(ZonedDateTime time) {
    return switch (this) {
      case HOUR -> time.truncatedTo(ChronoUnit.HOURS);
      case DAY -> time.truncatedTo(ChronoUnit.DAYS);
      case WEEK -> time.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> time.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
    };
  }

  public ZonedDateTime next(ZonedDateTime bucketStart) {
    return switch (this) {
      case HOUR -> bucketStart.plusHours(1);
      case DAY -> bucketStart.plusDays(1);
      case WEEK -> bucketStart.plusWeeks(1);
      case MONTH -> bucketStart.plusMonths(1);
    };
  }

  /** Bucket start times from the bucket holding {@code from} up to {@code to}, in the zone. */
  public java.util.List<java.time.Instant> boundaries(java.time.Instant from, java.time.Instant to, ZoneId zone) {
    java.util.List<java.time.Instant> boundaries = new java.util.ArrayList<>();
    ZonedDateTime start = floor(from.atZone(zone));
    while (start.toInstant().isBefore(to)) {
      boundaries.add(start.toInstant());
      start = next(start);
    }
    boundaries.add(start.toInstant());
    return boundaries;
  }

  /**
   * How many buckets {@link #boundaries} would make, worked out arithmetically without building
   * any: the exact count, or one more when the range ends on a bucket start. For ranges within the
   * years the API serves (the instants are turned into local dates). Lets a request for too many
   * buckets be refused before they are built.
   */
  public long bucketsAtMost(java.time.Instant from, java.time.Instant to, ZoneId zone) {
    ZonedDateTime first = floor(from.atZone(zone));
    if (this == HOUR) {
      return java.time.Duration.between(first.toInstant(), to).toHours() + 1;
    }
    ChronoUnit unit = switch (this) {
      case DAY -> ChronoUnit.DAYS;
      case WEEK -> ChronoUnit.WEEKS;
      default -> ChronoUnit.MONTHS;
    };
    return unit.between(first.toLocalDate(), to.atZone(zone).toLocalDate()) + 1;
  }

  public static Interval fromWireName(String name) {
    for (Interval interval : values()) {
      if (interval.wireName().equals(name)) {
        return interval;
      }
    }
    return null;
  }
}
