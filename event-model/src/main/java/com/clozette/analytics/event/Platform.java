package com.clozette.analytics.event;

/** Where an event comes from: the web site or the mobile app. */
public enum Platform {
  WEB,
  APP;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Returns the platform with this wire name, or null when there is none. */
  public static Platform fromWireName(String wireName) {
    return switch (wireName) {
      case "web" -> WEB;
      case "app" -> APP;
      default -> null;
    };
  }
}
