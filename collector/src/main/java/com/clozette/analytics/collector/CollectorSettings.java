package com.clozette.analytics.collector;

import java.util.List;
import java.util.Objects;

/**
 * What the collector needs from the operator's configuration; the server builds it from
 * {@code config/analytics.yaml}.
 *
 * @param sites the sites whose events are accepted; any other site is refused
 * @param cookieName name of the first-party visitor cookie
 * @param cookieDomain the cookie's {@code Domain} attribute, or null for a host-only cookie
 * @param trustedProxies peers whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are believed
 */
public record CollectorSettings(List<Site> sites, String cookieName, String cookieDomain, List<IpRange> trustedProxies) {
  public static final String DEFAULT_COOKIE_NAME = "_cz_vid";

  /**
   * One accepted site.
   *
   * @param origins browser origins (scheme://host[:port], lower case) that may POST beacons for it
   * @param dropDoNotTrack whether events sent with {@code DNT: 1} or {@code Sec-GPC: 1} are dropped
   */
  public record Site(String id, List<String> origins, boolean dropDoNotTrack) {
    public Site {
      Objects.requireNonNull(id, "id");
      origins = List.copyOf(origins);
    }
  }

  public CollectorSettings {
    sites = List.copyOf(sites);
    Objects.requireNonNull(cookieName, "cookieName");
    trustedProxies = List.copyOf(trustedProxies);
  }
}
