package com.clozette.analytics.aggregator.store;

/** The store could not do its work: an IO or SQL failure, never bad input (that is rejected earlier). */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
