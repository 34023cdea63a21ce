package dev.shipyard.api.charts;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import org.springframework.http.HttpStatus;

/**
 * The errors of {@code /api/helm-charts}, as {@link ApiException}s: the one error writer renders
 * them in the deployment-contracts family's shape ({@code {error, message, details}}).
 */
final class HelmChartErrors {

  private HelmChartErrors() {}

  /** 422, the family's validation status, naming the field at fault. */
  static ApiException invalid(String field, String message) {
    return new ApiException(ApiError.validation(HttpStatus.UNPROCESSABLE_ENTITY, field, message));
  }

  /** 400: the request cannot be read at all (not JSON, not multipart with a chart part). */
  static ApiException badRequest(String field, String message) {
    return new ApiException(ApiError.validation(HttpStatus.BAD_REQUEST, field, message));
  }

  static ApiException notFound(String what, String id) {
    return new ApiException(
        HttpStatus.NOT_FOUND, "NOT_FOUND", what + " " + clip(id) + " not found");
  }

  /** 409: the message names the chart (its ID) and what conflicts. */
  static ApiException conflict(String message) {
    return new ApiException(HttpStatus.CONFLICT, "CONFLICT", message);
  }

  static String clip(String value) {
    String printable = value.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 60 ? printable.substring(0, 60) + "..." : printable;
  }
}
