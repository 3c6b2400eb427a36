package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.report.Dimension;

/**
 * The value of each dimension as SQL, with its placeholder when absent ({@code (direct)},
 * {@code (none)}, {@code Unknown}): written once for the breakdowns and the query API. The
 * expressions name columns without a table, so they read a row of {@code events} ({@link #ofEvent}),
 * of {@code sessions} ({@link #ofSession}), or a row that holds an event's {@code path} beside its
 * session's columns ({@link #ofPageview}).
 */
final class Labels {
  private Labels() {}

  /** The event's own value, or null for a dimension events do not carry (they are the session's). */
  static String ofEvent(Dimension dimension) {
    return switch (dimension) {
      case PAGE -> "path";
      case PLATFORM, DEVICE, BROWSER, OS -> attribute(dimension);
      case ENTRY, EXIT, REFERRER, UTM_SOURCE -> null;
    };
  }

  /** The session's value, or null for page (a session has many). */
  static String ofSession(Dimension dimension) {
    return dimension == Dimension.PAGE ? null : attribute(dimension);
  }

  /** A pageview seen as the query API sees it: its own page, its session's everything else. */
  static String ofPageview(Dimension dimension) {
    return dimension == Dimension.PAGE ? "path" : attribute(dimension);
  }

  /** The column a dimension's value is stored in: an event's for the page, its session's for the rest. */
  static String column(Dimension dimension) {
    return switch (dimension) {
      case PAGE -> "path";
      case ENTRY -> "entry_path";
      case EXIT -> "exit_path";
      case REFERRER -> "ref_host";
      case UTM_SOURCE -> "utm_source";
      case PLATFORM -> "platform";
      case DEVICE -> "device";
      case BROWSER -> "browser";
      case OS -> "os";
    };
  }

  private static String attribute(Dimension dimension) {
    String placeholder = switch (dimension) {
      case REFERRER -> "(direct)";
      case UTM_SOURCE -> "(none)";
      case DEVICE, BROWSER, OS -> "Unknown";
      case PAGE, ENTRY, EXIT, PLATFORM -> null;
    };
    return placeholder == null ? column(dimension) : "coalesce(%s, '%s')".formatted(column(dimension), placeholder);
  }
}
