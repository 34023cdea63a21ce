package dev.shipyard.api.error;

import org.springframework.http.HttpStatus;

/**
 * The one internal error model. Each API family renders it in its documented shape ({@link
 * ApiFamily}).
 *
 * @param status the HTTP status
 * @param code a stable UPPER_SNAKE code, such as {@code CAPSULE_NOT_FOUND}
 * @param message a human-readable sentence, safe to show to the caller
 * @param field the request field at fault, or null
 */
public record ApiError(HttpStatus status, String code, String message, String field) {

  public static ApiError of(HttpStatus status, String code, String message) {
    return new ApiError(status, code, message, null);
  }

  public static ApiError validation(HttpStatus status, String field, String message) {
    return new ApiError(status, "VALIDATION_ERROR", message, field);
  }
}
