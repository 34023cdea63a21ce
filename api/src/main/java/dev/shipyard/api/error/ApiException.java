package dev.shipyard.api.error;

import org.springframework.http.HttpStatus;

/** Thrown (or emitted) by handlers and filters to answer with an {@link ApiError}. */
public class ApiException extends RuntimeException {

  private final ApiError error;

  public ApiException(ApiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public ApiException(HttpStatus status, String code, String message) {
    this(ApiError.of(status, code, message));
  }

  public ApiError error() {
    return error;
  }
}
