package com.clozette.analytics.aggregator.report;

import java.util.Locale;

/**
 * What a breakdown groups by. Page-view dimensions count pageviews and visitors from the events;
 * session dimensions count sessions and visitors from the sessions (a session's platform, device,
 * browser and OS are those of its first pageview, its referrer and UTM source those of its entry).
 */
public enum Dimension {
  PAGE(true, false), ENTRY(false, true), EXIT(false, true), REFERRER(false, true), UTM_SOURCE(false, true),
  PLATFORM(true, true), DEVICE(true, true), BROWSER(true, true), OS(true, true);

  private final boolean countsPageviews;
  private final boolean countsSessions;

  Dimension(boolean countsPageviews, boolean countsSessions) {
    this.countsPageviews = countsPageviews;
    this.countsSessions = countsSessions;
  }

  public boolean countsPageviews() {
    return countsPageviews;
  }

  public boolean countsSessions() {
    return countsSessions;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Dimension fromWireName(String name) {
    for (Dimension dimension : values()) {
      if (dimension.wireName().equals(name)) {
        return dimension;
      }
    }
    return null;
  }
}
