package dev.shipyard.activities.deployments;

import dev.shipyard.cluster.ClusterClients;
import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.workflows.deployments.DeploymentFailure;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The cluster deployments go to: its settings and its client. Without a configured cluster ({@link
 * ClusterSettings.Mode#NONE}) there is no client and every cluster activity fails, not retried,
 * saying so. Closing it closes the client.
 */
public record DeploymentCluster(ClusterSettings settings, KubernetesClient client)
    implements AutoCloseable {

  /** The cluster of {@code settings}: a client built by {@code ClusterClients}, none for NONE. */
  public static DeploymentCluster of(ClusterSettings settings) {
    return new DeploymentCluster(
        settings,
        settings.mode() == ClusterSettings.Mode.NONE ? null : ClusterClients.create(settings));
  }

  /** The client; fails non-retryable when no cluster is configured. */
  public KubernetesClient require() {
    if (client == null || settings.mode() == ClusterSettings.Mode.NONE) {
      throw DeploymentFailure.CLUSTER_REFUSED.failure(
          "no Kubernetes cluster configured: set KUBECONFIG_PATH or KUBERNETES_IN_CLUSTER");
    }
    return client;
  }

  /** {@code simulated}, {@code kubeconfig}, {@code in-cluster} or {@code none}. */
  public String label() {
    return settings.mode().label();
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
