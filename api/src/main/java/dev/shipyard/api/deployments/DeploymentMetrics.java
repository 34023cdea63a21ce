package dev.shipyard.api.deployments;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.deployments.OwnedDeployments.Owned;
import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.cluster.DeploymentObjects;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A deployment's resource usage from the cluster's metrics API ({@code metrics.k8s.io}, served by
 * metrics-server), summed over its pods: real numbers or an explicit "unavailable" with the reason
 * (the cluster does not serve the API, the simulated cluster included, or it answered 503), never
 * invented ones.
 */
@Component
public class DeploymentMetrics {

  static final String SOURCE = "metrics.k8s.io";

  private final DeploymentCluster cluster;
  private final Clock clock;

  DeploymentMetrics(DeploymentCluster cluster, Clock clock) {
    this.cluster = cluster;
    this.clock = clock;
  }

  /** {@code GET /v1/deployments/{id}/metrics}. */
  @Schema(name = "DeploymentMetricsResponse")
  public record MetricsResponse(Metrics metrics) {}

  /** Usage now, or why there is none. */
  @Schema(name = "DeploymentMetrics")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Metrics(
      @Schema(description = "whether the cluster's metrics API answered") boolean available,
      @Schema(description = "where the numbers come from (when available)") String source,
      @Schema(description = "when they were read (when available)") String at,
      @JsonProperty("cpu_millicores")
          @Schema(description = "CPU in use over the deployment's pods, millicores")
          Long cpuMillicores,
      @JsonProperty("memory_bytes")
          @Schema(description = "memory in use (working set) over its pods, bytes")
          Long memoryBytes,
      @Schema(description = "per pod (when available)") List<PodUsage> pods,
      @Schema(description = "why there are no numbers (when not available)") String reason) {

    static Metrics unavailable(String reason) {
      return new Metrics(false, null, null, null, null, null, reason);
    }
  }

  /** One pod's usage. */
  @Schema(name = "DeploymentPodUsage")
  public record PodUsage(
      String name,
      @JsonProperty("cpu_millicores") long cpuMillicores,
      @JsonProperty("memory_bytes") long memoryBytes) {}

  /** The deployment's usage now, or why there is none. */
  public Mono<MetricsResponse> of(Owned deployment) {
    return cluster.read(client -> read(client, deployment)).map(MetricsResponse::new);
  }

  private Metrics read(KubernetesClient client, Owned deployment) {
    PodMetricsList list;
    try {
      list =
          client
              .top()
              .pods()
              .inNamespace(deployment.namespace())
              .withLabels(Map.of(DeploymentObjects.LABEL_DEPLOYMENT, deployment.id().toString()))
              .metrics();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 503) {
        return Metrics.unavailable(reason(e.getCode()));
      }
      if (e.getCode() == 403) {
        return Metrics.unavailable(
            "the cluster refused metrics.k8s.io (403): the API's service account needs get/list"
                + " on pods.metrics.k8s.io");
      }
      throw e;
    }
    List<PodUsage> pods = new ArrayList<>();
    for (PodMetrics pod : list.getItems() == null ? List.<PodMetrics>of() : list.getItems()) {
      BigDecimal cpu = BigDecimal.ZERO;
      BigDecimal memory = BigDecimal.ZERO;
      for (ContainerMetrics container : pod.getContainers()) {
        Map<String, Quantity> usage = container.getUsage();
        if (usage == null) {
          continue;
        }
        if (usage.get("cpu") != null) {
          cpu = cpu.add(Quantity.getAmountInBytes(usage.get("cpu")));
        }
        if (usage.get("memory") != null) {
          memory = memory.add(Quantity.getAmountInBytes(usage.get("memory")));
        }
      }
      pods.add(
          new PodUsage(
              pod.getMetadata().getName(),
              cpu.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact(),
              memory.setScale(0, RoundingMode.HALF_UP).longValueExact()));
    }
    pods.sort(Comparator.comparing(PodUsage::name));
    return new Metrics(
        true,
        SOURCE,
        clock.instant().toString(),
        pods.stream().mapToLong(PodUsage::cpuMillicores).sum(),
        pods.stream().mapToLong(PodUsage::memoryBytes).sum(),
        pods,
        null);
  }

  private String reason(int code) {
    if (cluster.settings().mode() == ClusterSettings.Mode.SIMULATED) {
      return "the simulated cluster does not serve metrics.k8s.io";
    }
    return code == 404
        ? "the cluster does not serve metrics.k8s.io (is metrics-server installed?)"
        : "metrics.k8s.io is unavailable (the API server answered 503)";
  }
}
