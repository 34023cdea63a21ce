package dev.shipyard.api.deployments;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The bodies of deployment-contracts.md "Kubernetes Deployment Management API" ({@code
 * /api/deployments}) and "Kubernetes Service Management API" ({@code /api/services}).
 */
final class ContractBodies {

  private ContractBodies() {}

  @Schema(name = "ContractDeploymentRequest")
  record CreateRequest(
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              pattern = DeploymentRequests.APP_NAME,
              maxLength = DeploymentRequests.MAX_APP_NAME,
              description = "the app name: a DNS-1123 label, unique among your deployments")
          String name,
      @Schema(nullable = true, minimum = "0", maximum = "50", description = "default 1")
          Integer replicas,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String image,
      @JsonProperty("container_port")
          @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1", maximum = "65535")
          int containerPort,
      @JsonProperty("helm_chart_id") @Schema(nullable = true, description = "kept as a reference")
          String helmChartId) {}

  @Schema(name = "ContractDeployment")
  record Deployment(
      String id,
      String name,
      int replicas,
      @JsonProperty("available_replicas") int availableReplicas,
      String image,
      @JsonProperty("container_port") int containerPort,
      @JsonProperty("helm_chart_id") @Schema(nullable = true) String helmChartId,
      @JsonProperty("created_at") String createdAt,
      String status) {}

  @Schema(name = "ContractDeploymentUpdate")
  record UpdateRequest(
      @Schema(nullable = true, minimum = "0", maximum = "50") Integer replicas,
      @Schema(nullable = true) String image,
      @JsonProperty("container_port") @Schema(nullable = true) Integer containerPort) {}

  @Schema(name = "ContractScaleRequest")
  record ScaleRequest(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1", maximum = "50")
          int replicas) {}

  @Schema(name = "ContractScaled")
  record Scaled(
      String message,
      @JsonProperty("current_replicas") int currentReplicas,
      @JsonProperty("desired_replicas") int desiredReplicas) {}

  @Schema(name = "ContractDeleted")
  record Deleted(String message, String id) {}

  @Schema(name = "ServiceRequest")
  record ServiceRequest(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "a DNS-1123 label")
          String name,
      @Schema(
              allowableValues = {"ClusterIP", "NodePort", "LoadBalancer"},
              nullable = true)
          String type,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1", maximum = "65535")
          int port,
      @JsonProperty("target_port")
          @Schema(nullable = true, description = "default: the deployment's port")
          Integer targetPort,
      @Schema(
              allowableValues = {"TCP", "UDP"},
              nullable = true)
          String protocol,
      @JsonProperty("deployment_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
          String deploymentId) {}

  @Schema(name = "ServiceUpdate")
  record ServiceUpdate(
      @Schema(
              allowableValues = {"ClusterIP", "NodePort", "LoadBalancer"},
              nullable = true)
          String type,
      @Schema(nullable = true) Integer port,
      @JsonProperty("target_port") @Schema(nullable = true) Integer targetPort,
      @Schema(
              allowableValues = {"TCP", "UDP"},
              nullable = true)
          String protocol) {}

  @Schema(name = "Service")
  record Service(
      String id,
      String name,
      String type,
      int port,
      @JsonProperty("target_port") int targetPort,
      String protocol,
      @JsonProperty("deployment_id") String deploymentId,
      @JsonProperty("created_at") String createdAt,
      @Schema(
              allowableValues = {"pending", "active"},
              description = "active once the deployment's workflow applied it")
          String status) {}
}
