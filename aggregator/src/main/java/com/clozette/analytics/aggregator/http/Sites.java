package com.clozette.analytics.aggregator.http;

import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The configured sites and their time zones; an unknown site reads as Asia/Jakarta (and has no data). */
public record Sites(Map<String, ZoneId> zones) {
  public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Jakarta");

  public Sites {
    zones = Collections.unmodifiableMap(new LinkedHashMap<>(zones));
  }

  public boolean isConfigured(String site) {
    return zones.containsKey(site);
  }

  public ZoneId zoneOf(String site) {
    return zones.getOrDefault(site, DEFAULT_ZONE);
  }
}
