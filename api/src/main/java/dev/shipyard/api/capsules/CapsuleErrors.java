package dev.shipyard.api.capsules;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import org.springframework.http.HttpStatus;

/** The errors every capsule endpoint answers, in the capsules-api.md shape (by path). */
public final class CapsuleErrors {

  private CapsuleErrors() {}

  /** 404 {@code CAPSULE_NOT_FOUND}: also what a capsule the caller may not see answers. */
  public static ApiException notFound(String capsuleId) {
    return new ApiException(
        HttpStatus.NOT_FOUND, "CAPSULE_NOT_FOUND", "Capsule " + capsuleId + " not found");
  }

  /** 404 {@code VERSION_NOT_FOUND}. */
  public static ApiException versionNotFound(String capsuleId, String versionId) {
    return new ApiException(
        HttpStatus.NOT_FOUND,
        "VERSION_NOT_FOUND",
        "Version " + versionId + " of capsule " + capsuleId + " not found");
  }

  /** 409 {@code CAPSULE_NOT_READY}: the capsule has no stored version yet (or failed). */
  public static ApiException notReady(String capsuleId, String status) {
    return new ApiException(
        HttpStatus.CONFLICT,
        "CAPSULE_NOT_READY",
        "Capsule " + capsuleId + " has no stored version (it is " + status + ")");
  }

  /** 400 {@code BAD_REQUEST} naming the parameter or field. */
  public static ApiException badRequest(String field, String message) {
    return new ApiException(new ApiError(HttpStatus.BAD_REQUEST, "BAD_REQUEST", message, field));
  }

  /** 422 {@code VALIDATION_ERROR} naming the field. */
  public static ApiException invalid(String field, String message) {
    return new ApiException(
        new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, "VALIDATION_ERROR", message, field));
  }

  /** 409 with a code of its own ({@code BRANCH_EXISTS}, {@code STALE_PARENT}, ...). */
  public static ApiException conflict(String code, String message) {
    return new ApiException(HttpStatus.CONFLICT, code, message);
  }
}
