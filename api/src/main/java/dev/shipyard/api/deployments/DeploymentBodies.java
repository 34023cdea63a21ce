package dev.shipyard.api.deployments;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.web.Pagination;
import dev.shipyard.workflows.deployments.HealthCheck;
import dev.shipyard.workflows.deployments.Resources;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * The request and response bodies of the container-engine deployments API (container-engine-api.md
 * "Container Deployment Management", "Custom Domain Management", "Get Deployment Status") and what
 * Shipyard adds beyond it (rollback, releases).
 */
final class DeploymentBodies {

  private DeploymentBodies() {}

  @Schema(name = "DeploymentResources")
  record ResourcesBody(
      @Schema(nullable = true, description = "a Kubernetes quantity, such as 100m") String cpu,
      @Schema(nullable = true, description = "a Kubernetes quantity, such as 128Mi")
          String memory) {
    static ResourcesBody of(Resources r) {
      return r == null ? null : new ResourcesBody(r.cpu(), r.memory());
    }
  }

  @Schema(name = "DeploymentHealthCheck")
  record HealthCheckBody(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "starts with /")
          String path,
      @JsonProperty("initial_delay_seconds") @Schema(description = "0-3600, default 0")
          Integer initialDelaySeconds,
      @JsonProperty("period_seconds") @Schema(description = "1-3600, default 10")
          Integer periodSeconds,
      @JsonProperty("timeout_seconds") @Schema(description = "1-3600, default 1")
          Integer timeoutSeconds,
      @JsonProperty("failure_threshold") @Schema(description = "1-100, default 3")
          Integer failureThreshold) {
    static HealthCheckBody of(HealthCheck h) {
      return h == null
          ? null
          : new HealthCheckBody(
              h.path(),
              h.initialDelaySeconds(),
              h.periodSeconds(),
              h.timeoutSeconds(),
              h.failureThreshold());
    }
  }

  @Schema(name = "DeploymentRegistryAuth", description = "sealed at rest; never answered")
  record RegistryAuthBody(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String username,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String password) {}

  /** {@code POST /v1/deployments}: unknown fields are refused (400). */
  @Schema(name = "DeploymentCreateRequest")
  record CreateRequest(
      @JsonProperty("app_name")
          @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              pattern = DeploymentRequests.APP_NAME,
              maxLength = DeploymentRequests.MAX_APP_NAME,
              description = "a DNS-1123 label; unique among your deployments (409)")
          String appName,
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description = "[registry/]repository[:tag][@digest]; anything else is 422")
          String image,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1", maximum = "65535")
          int port,
      @JsonProperty("env_vars")
          @Schema(
              nullable = true,
              description =
                  "at most 100 names [A-Za-z_][A-Za-z0-9_]* to string values (32 KiB each)")
          Map<String, String> envVars,
      @Schema(nullable = true, minimum = "0", maximum = "50", description = "default 1")
          Integer replicas,
      @Schema(nullable = true) ResourcesBody resources,
      @JsonProperty("health_check") @Schema(nullable = true) HealthCheckBody healthCheck,
      @JsonProperty("registry_auth") @Schema(nullable = true) RegistryAuthBody registryAuth) {}

  @Schema(name = "DeploymentCreated")
  record Created(
      String id,
      @JsonProperty("app_name") String appName,
      String image,
      String status,
      @Schema(nullable = true, description = "null on create; GET shows the URL") String url,
      @JsonProperty("created_at") String createdAt,
      String message) {}

  @Schema(name = "DeploymentSummary")
  record Summary(
      String id,
      @JsonProperty("app_name") String appName,
      String image,
      @Schema(
              allowableValues = {
                "pending",
                "deploying",
                "running",
                "updating",
                "stopped",
                "failed",
                "deleting"
              })
          String status,
      String url,
      int replicas,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("updated_at") String updatedAt) {}

  @Schema(name = "DeploymentPage")
  record Page(List<Summary> deployments, Pagination.Page pagination) {}

  @Schema(name = "Deployment")
  record Detail(
      String id,
      @JsonProperty("user_id") String userId,
      @JsonProperty("app_name") String appName,
      String image,
      String status,
      String url,
      int port,
      @JsonProperty("env_vars") Map<String, String> envVars,
      int replicas,
      @JsonProperty("available_replicas") int availableReplicas,
      @Schema(nullable = true) ResourcesBody resources,
      @JsonProperty("health_check") @Schema(nullable = true) HealthCheckBody healthCheck,
      @Schema(nullable = true, description = "the image digest the current release runs")
          String digest,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("updated_at") String updatedAt,
      @JsonProperty("deployed_at") @Schema(nullable = true) String deployedAt,
      @JsonProperty("error_message") @Schema(nullable = true) String errorMessage) {}

  /** {@code PUT /v1/deployments/{id}}: each given field replaces the desired one. */
  @Schema(name = "DeploymentUpdateRequest")
  record UpdateRequest(
      @Schema(nullable = true) String image,
      @Schema(nullable = true, minimum = "1", maximum = "65535") Integer port,
      @JsonProperty("env_vars")
          @Schema(nullable = true, description = "replaces all variables when given")
          Map<String, String> envVars,
      @Schema(nullable = true, minimum = "0", maximum = "50") Integer replicas,
      @Schema(nullable = true) ResourcesBody resources,
      @JsonProperty("health_check") @Schema(nullable = true) HealthCheckBody healthCheck,
      @JsonProperty("registry_auth") @Schema(nullable = true) RegistryAuthBody registryAuth) {}

  @Schema(name = "DeploymentUpdated")
  record Updated(
      String id,
      String status,
      String message,
      @Schema(nullable = true, description = "the release this update created") Integer release,
      @JsonProperty("updated_at") String updatedAt) {}

  @Schema(name = "DeploymentScaleRequest")
  record ScaleRequest(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1", maximum = "50")
          int replicas) {}

  @Schema(name = "DeploymentScaled")
  record Scaled(String id, int replicas, String status, String message) {}

  @Schema(name = "DeploymentStopped")
  record Stopped(String id, String status, String message) {}

  @Schema(name = "DeploymentStarted")
  record Started(String id, String status, int replicas, String message) {}

  @Schema(name = "DeploymentDeleted")
  record Deleted(
      String message,
      @JsonProperty("deployment_id") String deploymentId,
      @JsonProperty("app_name") String appName,
      @JsonProperty("namespace_deleted") boolean namespaceDeleted) {}

  /** {@code POST /v1/deployments/{id}/rollback}: exactly one of them. */
  @Schema(name = "DeploymentRollbackRequest")
  record RollbackRequest(
      @Schema(nullable = true, description = "a release number (GET .../releases)") Integer release,
      @Schema(nullable = true, description = "sha256:<64 hex>, a digest an earlier release ran")
          String digest) {}

  @Schema(name = "DeploymentRolledBack")
  record RolledBack(
      String id,
      String status,
      @Schema(nullable = true, description = "the new release") Integer release,
      String message) {}

  @Schema(name = "DeploymentRelease")
  record ReleaseBody(
      int number,
      @Schema(description = "create, update, scale, stop, start, rollback or auto-rollback")
          String change,
      @Schema(nullable = true) String image,
      @Schema(nullable = true) String digest,
      String author,
      @Schema(allowableValues = {"rolling_out", "healthy", "failed", "superseded"}) String status,
      @Schema(nullable = true) String reason,
      @JsonProperty("created_at") String createdAt) {}

  @Schema(name = "DeploymentReleasePage")
  record ReleasePage(List<ReleaseBody> releases, Pagination.Page pagination) {}

  @Schema(name = "DomainRequest")
  record DomainRequest(
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description = "a host name (RFC 1123), not under DOMAIN_SUFFIX")
          String domain) {}

  @Schema(name = "Domain")
  record Domain(
      String id,
      String domain,
      @JsonProperty("deployment_id") String deploymentId,
      @Schema(allowableValues = {"active"}) String status,
      @Schema(description = "whether a cert-manager cluster issuer provides its certificate")
          boolean tls,
      @JsonProperty("created_at") String createdAt) {}

  @Schema(name = "DomainList")
  record Domains(List<Domain> domains) {}

  @Schema(name = "DeploymentReplicas")
  record Replicas(int desired, int ready, int available) {}

  /**
   * {@code GET /v1/deployments/{id}/status}: read from the cluster, never from the desired state.
   */
  @Schema(name = "DeploymentStatus")
  record Status(
      String status,
      @Schema(
              description =
                  "healthy, progressing, degraded, unhealthy, stopped or absent (no Deployment)")
          String health,
      Replicas replicas,
      @JsonProperty("last_health_check") String lastHealthCheck,
      @Schema(description = "since the oldest ready pod started, such as 2h3m4s") String uptime,
      @JsonProperty("restart_count") int restartCount,
      @Schema(description = "simulated, kubeconfig or in-cluster") String cluster,
      @Schema(
              allowableValues = {"cluster", "last_observation"},
              description =
                  "cluster: read now; last_observation: the workflow's last read (at"
                      + " last_health_check) because a fresh read did not finish in time")
          String source,
      @Schema(nullable = true, description = "the cluster's reason when not healthy") String reason,
      @Schema(nullable = true) String message,
      @Schema(description = "differences from the desired state found by the read")
          List<String> drift) {}
}
