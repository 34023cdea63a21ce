package dev.shipyard.api.delivery;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** The request and response bodies of deliveries (capsules-api.md §4, §13). */
final class DeliveryBodies {

  private DeliveryBodies() {}

  /**
   * {@code POST /capsule/{capsule_id}/deliver}.
   *
   * @param versionId the version to deliver; the head of {@code main} when absent
   * @param deliveryConfigs 1 to 10 destinations
   */
  @Schema(name = "DeliverRequest")
  record DeliverRequest(
      @Schema(nullable = true) @JsonProperty("version_id") String versionId,
      @JsonProperty("delivery_configs") List<DeliveryConfig> deliveryConfigs) {}

  /**
   * One destination: a provider ({@code mode}, see {@code GET /delivery/providers}), where to, its
   * credentials inline or a saved target's ({@code target_id}), and its options (strings, numbers
   * or booleans).
   */
  @Schema(name = "DeliveryConfig")
  record DeliveryConfig(
      @Schema(nullable = true, description = "required unless target_id is given") String mode,
      @Schema(nullable = true, description = "required unless target_id is given")
          String destination,
      @Schema(nullable = true, description = "never stored in clear, never answered")
          Map<String, String> credentials,
      @Schema(nullable = true, implementation = Object.class) Map<String, JsonNode> options,
      @Schema(nullable = true, description = "a saved target (POST /delivery/targets)")
          @JsonProperty("target_id")
          String targetId) {}

  /** capsules-api.md §4 {@code summary}. */
  @Schema(name = "DeliverySummary")
  record Summary(
      @JsonProperty("total_destinations") int totalDestinations, int successful, int failed) {}

  /** One destination's result (capsules-api.md §4 {@code destinations[]}). */
  @Schema(name = "DeliveryDestinationResult")
  record Destination(
      String mode,
      String destination,
      boolean success,
      @Schema(nullable = true) String url,
      @Schema(nullable = true) @JsonProperty("signed_url") String signedUrl,
      @Schema(nullable = true, description = "sha256:<hex> of the delivered archive")
          String checksum,
      Map<String, String> metadata,
      @Schema(nullable = true, description = "the typed cause of a failure")
          @JsonProperty("error_code")
          String errorCode,
      @Schema(nullable = true) String error) {}

  /**
   * A delivery: while it runs, {@code status} {@code running}, the destinations that ended so far
   * and where to poll; when it ended, the documented summary, destinations and recommendations.
   */
  @Schema(name = "Delivery")
  record Delivery(
      @JsonProperty("delivery_id") String deliveryId,
      @JsonProperty("capsule_id") String capsuleId,
      @JsonProperty("version_id") String versionId,
      @Schema(description = "running, completed, failed or cancelled") String status,
      OffsetDateTime timestamp,
      Summary summary,
      List<Destination> destinations,
      List<String> recommendations,
      @JsonProperty("status_url") String statusUrl) {}

  /** capsules-api.md §13: one provider of the registry. */
  @Schema(name = "DeliveryProvider")
  record Provider(
      String name,
      String description,
      @JsonProperty("required_credentials") List<String> requiredCredentials,
      @JsonProperty("optional_credentials") List<String> optionalCredentials,
      List<String> options,
      @JsonProperty("retry_window_seconds") long retryWindowSeconds) {}

  @Schema(name = "DeliveryProviders")
  record Providers(List<Provider> providers) {}

  /** {@code POST /delivery/targets}: a destination saved with its credentials, by name. */
  @Schema(name = "DeliveryTargetRequest")
  record TargetRequest(
      String name,
      String mode,
      String destination,
      @Schema(nullable = true, description = "sealed when stored, never answered")
          Map<String, String> credentials,
      @Schema(nullable = true, implementation = Object.class) Map<String, JsonNode> options) {}

  /** A saved target: everything but its credentials, of which only the names are shown. */
  @Schema(name = "DeliveryTarget")
  record Target(
      String id,
      String name,
      String mode,
      String destination,
      Map<String, String> options,
      @JsonProperty("credential_names") List<String> credentialNames,
      @JsonProperty("created_at") OffsetDateTime createdAt) {}

  @Schema(name = "DeliveryTargets")
  record Targets(List<Target> targets) {}
}
