package com.clozette.analytics.kafka;

import com.clozette.analytics.event.Event;

/**
 * Record keys. A site id never contains '/' (RULES.md: {@code ^[a-z0-9][a-z0-9-]{0,63}$}), so
 * {@code site/rest} is unambiguous whatever the visitor or event id holds.
 */
final class EventKeys {
  private EventKeys() {}

  /** The partitioning key of everything about one visitor: all of a visitor's events meet in one partition. */
  static String visitor(String site, String vid) {
    return site + '/' + vid;
  }

  static String visitor(Event event) {
    return visitor(event.site(), event.vid());
  }

  /** The identity of an event (RULES.md): copies of one event meet in one partition to be dropped. */
  static String event(String site, String id) {
    return site + '/' + id;
  }

  static String site(String key) {
    return key.substring(0, key.indexOf('/'));
  }
}
