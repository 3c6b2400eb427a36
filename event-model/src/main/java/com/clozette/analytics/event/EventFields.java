package com.clozette.analytics.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The raw fields of one event as a client sent them, before {@link EventParser} applies the rules:
 * a JSON object (a line of an import, an event of a /collect body) or a pixel's query string, read
 * where they are, so no intermediate tree or map has to be built for the parser.
 */
public interface EventFields {
  /**
   * The text of a field as sent (possibly empty), or null when it is absent or JSON null.
   *
   * @throws InvalidEventException {@code invalid_<field>} when the value is not a string
   */
  String text(String field) throws InvalidEventException;

  /**
   * The event time, epoch milliseconds.
   *
   * @throws InvalidEventException {@code missing_ts}, or {@code invalid_ts} when it is not an integer > 0
   */
  long ts() throws InvalidEventException;

  /**
   * The custom properties as the text of a JSON object, or null when absent or JSON null.
   *
   * @throws InvalidEventException {@code invalid_props} when the value is not a JSON object
   */
  String props() throws InvalidEventException;

  /** The fields of a JSON object. */
  static EventFields of(ObjectNode node) {
    return new JsonEventFields(node);
  }
}
