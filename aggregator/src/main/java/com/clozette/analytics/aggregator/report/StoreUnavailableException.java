package com.clozette.analytics.aggregator.report;

/**
 * The report store could not answer: it is down, timed out, or refused the query (Druid still
 * ingesting, a datasource missing a column). Not the caller's fault and not a bug here: the API
 * answers 503 {@code store_unavailable} with this message, the cause in one line.
 */
public class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message) {
    super(message);
  }
}
