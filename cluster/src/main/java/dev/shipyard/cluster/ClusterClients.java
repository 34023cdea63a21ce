package dev.shipyard.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one way a Kubernetes client is built from {@link ClusterSettings} (fabric8, JDK HTTP). */
public final class ClusterClients {

  private ClusterClients() {}

  /** A client for the configured cluster; fails for {@link ClusterSettings.Mode#NONE}. */
  public static KubernetesClient create(ClusterSettings settings) {
    Config config =
        switch (settings.mode()) {
          case KUBECONFIG -> fromKubeconfig(Path.of(settings.kubeconfigPath()));
          case IN_CLUSTER -> new ConfigBuilder().build();
          case SIMULATED ->
              new ConfigBuilder()
                  .withMasterUrl(settings.simulatedUrl())
                  .withTrustCerts(true)
                  .withNamespace("default")
                  .withRequestRetryBackoffLimit(0)
                  .build();
          case NONE ->
              throw new IllegalStateException(
                  "no Kubernetes cluster configured: set KUBECONFIG_PATH or KUBERNETES_IN_CLUSTER");
        };
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static Config fromKubeconfig(Path path) {
    try {
      return Config.fromKubeconfig(Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException("KUBECONFIG_PATH " + path + " cannot be read", e);
    }
  }
}
