package dev.shipyard.api.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Locale;

/**
 * The five documented error bodies, one record per API family ({@link ApiFamily}). They are what
 * the API writes and what the OpenAPI document describes ({@link ErrorDocumentation}).
 */
public final class ErrorBodies {

  private ErrorBodies() {}

  /** capsules-api.md "Error Responses". */
  @Schema(name = "CapsuleError", description = "Error body of the capsules API (capsules-api.md)")
  public record CapsuleError(
      String detail,
      @JsonProperty("error_code") String errorCode,
      String timestamp,
      @JsonProperty("request_id") String requestId) {}

  /** builds-analysis-api.md "Error Handling". */
  @Schema(
      name = "BuildsError",
      description = "Error body of the builds & analysis API (builds-analysis-api.md)")
  public record BuildsError(
      String error, String detail, @JsonProperty("status_code") int statusCode, String timestamp) {

    public static BuildsError of(ApiError error, Instant now) {
      return new BuildsError(
          error.code().toLowerCase(Locale.ROOT),
          error.message(),
          error.status().value(),
          now.toString());
    }
  }

  /** One entry of the v2 envelope's {@code errors} (api-v2-guide.md). */
  @Schema(name = "V2Error")
  public record V2Error(
      String code,
      String message,
      @Schema(nullable = true, description = "the request field at fault, or null") String field,
      @Schema(allowableValues = {"low", "medium", "high", "critical"}) String severity) {}

  /** deployment-contracts.md "Error Responses". */
  @Schema(
      name = "DeploymentError",
      description = "Error body of the deployment contracts (deployment-contracts.md)")
  public record DeploymentError(
      String error,
      String message,
      @JsonInclude(JsonInclude.Include.NON_NULL)
          @Schema(description = "present when one field is at fault")
          FieldIssue details) {}

  /** The {@code details} of a deployment-contracts error. */
  @Schema(name = "FieldIssue")
  public record FieldIssue(String field, String issue) {}

  /** container-engine-api.md: {@code {"error": {"message", "details"}}}. */
  @Schema(
      name = "EngineError",
      description = "Error body of the container engine API (container-engine-api.md)")
  public record EngineError(EngineErrorDetail error) {}

  /** The inner object of a container-engine error. */
  @Schema(name = "EngineErrorDetail")
  public record EngineErrorDetail(
      String message,
      @Schema(description = "the field at fault, or the error code") String details) {}
}
