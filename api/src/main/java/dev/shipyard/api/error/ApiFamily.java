package dev.shipyard.api.error;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * The five API documents of ../shared/spec, each with its own error shape. The family of a request
 * follows from its path; paths no document claims use the container-engine shape.
 */
public enum ApiFamily {
  /** capsules-api.md: {@code {detail, error_code, timestamp, request_id}}. */
  CAPSULES(HttpStatus.UNPROCESSABLE_ENTITY, "/generate/", "/capsule/", "/capsules", "/delivery/") {
    @Override
    Map<String, Object> body(ApiError error, String requestId, Instant now) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("detail", error.message());
      body.put("error_code", error.code());
      body.put("timestamp", now.toString());
      body.put("request_id", requestId);
      return body;
    }
  },
  /** builds-analysis-api.md: {@code {error, detail, status_code, timestamp}}. */
  BUILDS(
      HttpStatus.BAD_REQUEST, "/api/build", "/api/analysis", "/api/health", "/api/ws/", "/auth/") {
    @Override
    Map<String, Object> body(ApiError error, String requestId, Instant now) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", error.code().toLowerCase(Locale.ROOT));
      body.put("detail", error.message());
      body.put("status_code", error.status().value());
      body.put("timestamp", now.toString());
      return body;
    }
  },
  /** api-v2-guide.md: the response envelope with {@code success: false} and {@code errors[]}. */
  V2(HttpStatus.UNPROCESSABLE_ENTITY, "/api/v2/") {
    @Override
    Map<String, Object> body(ApiError error, String requestId, Instant now) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("code", error.code());
      item.put("message", error.message());
      item.put("field", error.field());
      item.put("severity", error.status().is5xxServerError() ? "critical" : "high");
      return dev.shipyard.api.v2.ApiResponse.failure(requestId, now, List.of(item)).toMap();
    }
  },
  /** deployment-contracts.md: {@code {error, message, details}}. */
  DEPLOYMENT_CONTRACTS(
      HttpStatus.UNPROCESSABLE_ENTITY,
      "/api/container-images",
      "/api/helm-charts",
      "/api/minikube-clusters",
      "/api/deployments",
      "/api/ai/") {
    @Override
    Map<String, Object> body(ApiError error, String requestId, Instant now) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", error.status().getReasonPhrase());
      body.put("message", error.message());
      if (error.field() != null) {
        body.put("details", Map.of("field", error.field(), "issue", error.message()));
      }
      return body;
    }
  },
  /** container-engine-api.md: {@code {"error": {"message", "details"}}}. */
  CONTAINER_ENGINE(HttpStatus.BAD_REQUEST, "/v1/", "/health") {
    @Override
    Map<String, Object> body(ApiError error, String requestId, Instant now) {
      Map<String, Object> inner = new LinkedHashMap<>();
      inner.put("message", error.message());
      inner.put("details", error.field() == null ? error.code() : error.field());
      return Map.of("error", inner);
    }
  };

  private final HttpStatus validationStatus;
  private final List<String> prefixes;

  ApiFamily(HttpStatus validationStatus, String... prefixes) {
    this.validationStatus = validationStatus;
    this.prefixes = List.of(prefixes);
  }

  /** The body this family documents for {@code error}. */
  abstract Map<String, Object> body(ApiError error, String requestId, Instant now);

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
