package dev.shipyard.api.error;

import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * The five API documents of ../shared/spec, each with its own error shape. The family of a request
 * follows from its path; paths no document claims use the container-engine shape.
 */
public enum ApiFamily {
  /** capsules-api.md: {@code {detail, error_code, timestamp, request_id}}. */
  CAPSULES(HttpStatus.UNPROCESSABLE_ENTITY, "/generate/", "/capsule/", "/capsules", "/delivery/") {
    @Override
    Object body(ApiError error, String requestId, Instant now) {
      return new ErrorBodies.CapsuleError(error.message(), error.code(), now.toString(), requestId);
    }
  },
  /** builds-analysis-api.md: {@code {error, detail, status_code, timestamp}}. */
  BUILDS(
      HttpStatus.BAD_REQUEST, "/api/build", "/api/analysis", "/api/health", "/api/ws/", "/auth/") {
    @Override
    Object body(ApiError error, String requestId, Instant now) {
      return ErrorBodies.BuildsError.of(error, now);
    }
  },
  /** api-v2-guide.md: the response envelope with {@code success: false} and {@code errors[]}. */
  V2(HttpStatus.UNPROCESSABLE_ENTITY, "/api/v2/") {
    @Override
    Object body(ApiError error, String requestId, Instant now) {
      ErrorBodies.V2Error item =
          new ErrorBodies.V2Error(
              error.code(),
              error.message(),
              error.field(),
              error.status().is5xxServerError() ? "critical" : "high");
      return dev.shipyard.api.v2.ApiResponse.failure(requestId, now, List.of(item));
    }
  },
  /** deployment-contracts.md: {@code {error, message, details}}. */
  DEPLOYMENT_CONTRACTS(
      HttpStatus.UNPROCESSABLE_ENTITY,
      "/api/container-images",
      "/api/helm-charts",
      "/api/minikube-clusters",
      "/api/deployments",
      "/api/services",
      "/api/ai/") {
    @Override
    Object body(ApiError error, String requestId, Instant now) {
      return new ErrorBodies.DeploymentError(
          error.status().getReasonPhrase(),
          error.message(),
          error.field() == null
              ? null
              : new ErrorBodies.FieldIssue(error.field(), error.message()));
    }
  },
  /** container-engine-api.md: {@code {"error": {"message", "details"}}}. */
  CONTAINER_ENGINE(HttpStatus.BAD_REQUEST, "/v1/", "/health") {
    @Override
    Object body(ApiError error, String requestId, Instant now) {
      return new ErrorBodies.EngineError(
          new ErrorBodies.EngineErrorDetail(
              error.message(), error.field() == null ? error.code() : error.field()));
    }
  };

  private final HttpStatus validationStatus;
  private final List<String> prefixes;

  ApiFamily(HttpStatus validationStatus, String... prefixes) {
    this.validationStatus = validationStatus;
    this.prefixes = List.of(prefixes);
  }

  /** The body this family documents for {@code error}: one of {@link ErrorBodies}. */
  abstract Object body(ApiError error, String requestId, Instant now);

  /** The status this family documents for a request body that fails validation. */
  public HttpStatus validationStatus() {
    return validationStatus;
  }

  public static ApiFamily of(String path) {
    for (ApiFamily family : values()) {
      for (String prefix : family.prefixes) {
        if (path.startsWith(prefix) || (prefix.endsWith("/") && path.equals(chop(prefix)))) {
          return family;
        }
      }
    }
    return CONTAINER_ENGINE;
  }

  private static String chop(String prefix) {
    return prefix.substring(0, prefix.length() - 1);
  }
}
