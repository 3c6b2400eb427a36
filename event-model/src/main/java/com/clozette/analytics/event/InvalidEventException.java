package com.clozette.analytics.event;

/**
 * The one error type of event validation: which field broke which rule. A short {@link #reason()}
 * code (for metrics and headers) and a human message (for JSON error bodies). It carries no stack
 * trace: bad input is expected traffic, not a bug, and must stay cheap.
 */
public final class InvalidEventException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public InvalidEventException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** A stable, low-cardinality code such as {@code invalid_site} or {@code malformed_json}. */
  public String reason() {
    return reason;
  }
}
