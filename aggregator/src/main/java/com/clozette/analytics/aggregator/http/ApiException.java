package com.clozette.analytics.aggregator.http;

/**
 * The one error type of the API: an HTTP status, a stable code and a message for the person who
 * sent the request. {@link ApiErrorHandler} renders it as {@code {"error": code, "message": ...}}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }
}
