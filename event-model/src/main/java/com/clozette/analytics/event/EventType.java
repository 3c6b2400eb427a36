package com.clozette.analytics.event;

/** The kinds of event RULES.md knows. The wire name is the lower-case name. */
public enum EventType {
  /** A page impression on the web, or a screen view in the app. */
  PAGEVIEW,
  /** An engagement or page-leave beacon; it extends a session but is not a page view. */
  PING,
  /** A custom event, named by {@link Event#name()}. */
  EVENT;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Returns the type with this wire name, or null when there is none. */
  public static EventType fromWireName(String wireName) {
    return switch (wireName) {
      case "pageview" -> PAGEVIEW;
      case "ping" -> PING;
      case "event" -> EVENT;
      default -> null;
    };
  }
}
