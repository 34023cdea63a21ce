package dev.shipyard.api.charts;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The bodies of {@code /api/helm-charts} (deployment-contracts.md "Helm Chart Management API"). */
final class HelmChartBodies {

  private HelmChartBodies() {}

  /**
   * {@code POST /api/helm-charts} as JSON. Without a source the chart is a minimal valid one made
   * from this metadata (a Deployment and a Service of {@code image}); with {@code capsule_id} it is
   * the capsule's Helm export; with {@code deployment_id} it is made from that deployment's spec.
   */
  @Schema(name = "HelmChartCreateRequest")
  record CreateRequest(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "todo-app", maxLength = 63)
          String name,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1.0.0") String version,
      @Schema(example = "Todo AI Chatbot Helm chart", maxLength = 500) String description,
      @JsonProperty("app_version") @Schema(example = "1.0.0") String appVersion,
      @Schema(
              description = "metadata charts: the image the Deployment runs",
              example = "nginx:1.27")
          String image,
      @Schema(description = "metadata charts: the container port", example = "8080") Integer port,
      @JsonProperty("capsule_id") @Schema(description = "make the chart from this capsule")
          String capsuleId,
      @JsonProperty("version_id")
          @Schema(description = "with capsule_id: this version, else the head of main")
          String versionId,
      @JsonProperty("deployment_id")
          @Schema(description = "make the chart from this deployment's spec")
          String deploymentId) {}

  /** {@code POST /api/helm-charts} and {@code PUT} as multipart: a packaged chart. */
  @Schema(name = "HelmChartUpload")
  record Upload(
      @Schema(
              type = "string",
              format = "binary",
              description = "the .tgz helm package writes; its Chart.yaml names the chart")
          String chart) {}

  /** {@code PUT /api/helm-charts/{id}} as JSON: a new version and/or new metadata. */
  @Schema(name = "HelmChartUpdateRequest")
  record UpdateRequest(
      @Schema(example = "1.0.1") String version,
      @Schema(example = "Updated with security patches") String description,
      @JsonProperty("app_version") String appVersion) {}

  @Schema(name = "HelmChart")
  record HelmChart(
      String id,
      String name,
      String version,
      @Schema(nullable = true) String description,
      @JsonProperty("app_version") @Schema(nullable = true) String appVersion,
      @Schema(allowableValues = {"metadata", "upload", "capsule", "deployment"}) String source,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("last_updated") String lastUpdated,
      @Schema(allowableValues = {"validating", "valid", "invalid"}) String status,
      @Schema(description = "helm lint --strict and helm template messages, as helm wrote them")
          List<String> messages) {}

  @Schema(name = "HelmChartDeleted")
  record Deleted(String message, String id) {}
}
