package dev.shipyard.api.deployments;

import dev.shipyard.api.error.ApiException;
import dev.shipyard.cluster.ClusterClients;
import dev.shipyard.cluster.ClusterSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The API's read-only access to the cluster (logs, metrics): the {@link KubernetesClient} bean
 * built from {@code shipyard.cluster.*} by {@link ClusterClients} (absent when no cluster is
 * configured), and every call made off the event loop ({@code boundedElastic}: fabric8's calls
 * block). Without a cluster, or when it cannot be reached, a call fails with 503 in the family's
 * shape naming what to set.
 */
@Component
public class DeploymentCluster {

  private final ClusterSettings settings;
  private final KubernetesClient client;

  DeploymentCluster(ClusterSettings settings, ObjectProvider<KubernetesClient> client) {
    this.settings = settings;
    this.client = client.getIfAvailable();
  }

  /** The client bean, present unless the cluster mode is {@code NONE}. */
  @Configuration(proxyBeanMethods = false)
  static class ClientConfig {

    @Bean(destroyMethod = "close")
    @Conditional(Configured.class)
    KubernetesClient kubernetesClient(ClusterSettings settings) {
      return ClusterClients.create(settings);
    }
  }

  /** Whether {@code shipyard.cluster.*} names a cluster. */
  static class Configured implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return org.springframework.boot.context.properties.bind.Binder.get(context.getEnvironment())
          .bind("shipyard.cluster", ClusterSettings.class)
          .map(s -> s.mode() != ClusterSettings.Mode.NONE)
          .orElse(false);
    }
  }

  /** Empty when a cluster is configured, else the 503 naming {@code KUBECONFIG_PATH}. */
  public Mono<Void> configured() {
    return client == null ? Mono.error(DeploymentCluster::noCluster) : Mono.empty();
  }

  public ClusterSettings settings() {
    return settings;
  }

  /**
   * {@code read} with the client, on {@code boundedElastic}; 503 without a cluster, and when the
   * API server cannot be reached or answers 5xx.
   */
  public <T> Mono<T> read(Function<KubernetesClient, T> read) {
    if (client == null) {
      return Mono.error(DeploymentCluster::noCluster);
    }
    return Mono.fromCallable(() -> read.apply(client))
        .subscribeOn(Schedulers.boundedElastic())
        .onErrorMap(KubernetesClientException.class, this::unavailable);
  }

  /**
   * 503 for a failed read: the cluster unreachable (no answer, 5xx, 429), or refusing the API's own
   * credentials (401/403: its service account lacks the read rights the chart grants) or its
   * request; the API server's status is named, never its token.
   */
  private ApiException unavailable(KubernetesClientException e) {
    if (unreachable(e)) {
      return new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "CLUSTER_UNAVAILABLE",
          "The Kubernetes cluster cannot be reached (" + settings.mode().label() + ")");
    }
    return new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        "CLUSTER_REFUSED",
        "The Kubernetes cluster refused the read ("
            + e.getCode()
            + (e.getCode() == 401 || e.getCode() == 403
                ? ": the API's service account needs get/list on pods, pods/log and"
                    + " pods.metrics.k8s.io)"
                : ")"));
  }

  /** Whether {@code e} says the cluster is unreachable or failing (no answer, 5xx, 429). */
  static boolean unreachable(KubernetesClientException e) {
    int code = e.getCode();
    return code <= 0 || code >= 500 || code == 429;
  }

  static ApiException noCluster() {
    return new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        "NO_CLUSTER",
        "No Kubernetes cluster is configured: set KUBECONFIG_PATH (or KUBERNETES_IN_CLUSTER=true)");
  }
}
