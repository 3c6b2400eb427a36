package com.clozette.analytics.aggregator.store;

/**
 * The sizes of the rollups: every rollup table exists per grain ({@code page_hours}, {@code page_days},
 * ...) with a {@code bucket} column holding epoch hours or epoch days (UTC). A report reads whole
 * days from the day rollups, the whole hours around them from the hour rollups, and the minutes at
 * its edges from the detail.
 */
enum Grain {
  HOUR(3_600_000L, "hours"),
  DAY(86_400_000L, "days");

  final long millis;
  final String suffix;

  Grain(long millis, String suffix) {
    this.millis = millis;
    this.suffix = suffix;
  }

  String table(String kind) {
    return kind + "_" + suffix;
  }
}
