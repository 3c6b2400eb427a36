package com.clozette.analytics.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@link EventFields} read from a parsed JSON object. */
record JsonEventFields(ObjectNode node) implements EventFields {
  @Override
  public String text(String field) throws InvalidEventException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidEventException("invalid_" + field, field + " must be a string");
    }
    return value.textValue();
  }

  @Override
  public long ts() throws InvalidEventException {
    JsonNode ts = node.get("ts");
    if (ts == null || ts.isNull()) {
      throw new InvalidEventException("missing_ts", "ts is required");
    }
    if (!ts.isIntegralNumber() || !ts.canConvertToLong() || ts.longValue() <= 0) {
      throw new InvalidEventException("invalid_ts", "ts must be an integer of epoch milliseconds > 0");
    }
    return ts.longValue();
  }

  @Override
  public String props() throws InvalidEventException {
    JsonNode props = node.get("props");
    if (props == null || props.isNull()) {
      return null;
    }
    if (!props.isObject()) {
      throw new InvalidEventException("invalid_props", "props must be a JSON object");
    }
    return props.toString();
  }
}
