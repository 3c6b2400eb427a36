package com.clozette.analytics.aggregator.http;

import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The configured sites and their time zones: the only site ids the API answers for. */
public record Sites(Map<String, ZoneId> zones) {
  public Sites {
    zones = Collections.unmodifiableMap(new LinkedHashMap<>(zones));
  }

  public boolean isConfigured(String site) {
    return zones.containsKey(site);
  }

  /** The zone of a configured site; ask {@link #isConfigured} first. */
  public ZoneId zoneOf(String site) {
    ZoneId zone = zones.get(site);
    if (zone == null) {
      throw new IllegalArgumentException("site '" + site + "' is not configured");
    }
    return zone;
  }
}
