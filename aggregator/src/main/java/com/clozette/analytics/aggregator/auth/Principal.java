package com.clozette.analytics.aggregator.auth;

import java.util.Set;

/**
 * The holder of a valid token.
 *
 * @param name a label for logs and metrics; never the token
 * @param sites the sites a partner may export; staff may read every site
 * @param smallCellK partner exports fold page rows with fewer visitors than this into "(other)"
 */
public record Principal(String name, Role role, Set<String> sites, int smallCellK) {
  public boolean maySee(String site) {
    return role == Role.STAFF || sites.contains(site);
  }
}
