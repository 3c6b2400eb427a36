package com.clozette.analytics.aggregator.auth;

/** Who a token speaks for. */
public enum Role {
  /** Clozette staff: every report, import, the dashboard. */
  STAFF,
  /** The research partner: aggregate exports of its granted sites, nothing else. */
  PARTNER
}
