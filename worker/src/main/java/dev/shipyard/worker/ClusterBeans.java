package dev.shipyard.worker;

import dev.shipyard.activities.deployments.DeploymentCluster;
import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.secrets.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The cluster deployments go to and the keys that open their secrets, from the {@code
 * shipyard.cluster.*} and {@code shipyard.secrets.keys} settings of {@code worker.yml} (README:
 * Deployments, "Clusters"). No cluster configured: the deployment activities fail, not retried,
 * saying so; no {@code SECRETS_KEYS}: deployments with environment values or registry credentials
 * fail with {@code SECRETS_UNAVAILABLE}.
 */
@Configuration(proxyBeanMethods = false)
class ClusterBeans {

  private static final Logger log = LoggerFactory.getLogger(ClusterBeans.class);

  /** {@code shipyard.cluster.*}: see {@link ClusterSettings}. */
  @ConfigurationProperties("shipyard.cluster")
  record ClusterProperties(
      String kubeconfigPath,
      boolean inCluster,
      String simulatedUrl,
      String namespace,
      String domainSuffix,
      String ingressClass,
      String clusterIssuer) {

    ClusterSettings settings() {
      return new ClusterSettings(
          kubeconfigPath,
          inCluster,
          simulatedUrl,
          namespace,
          domainSuffix,
          ingressClass,
          clusterIssuer);
    }
  }

  /** {@code shipyard.secrets.keys} ({@code SECRETS_KEYS}). */
  @ConfigurationProperties("shipyard.secrets")
  record SecretsProperties(String keys) {
    @Override
    public String toString() {
      return "SecretsProperties[keys=(hidden)]";
    }
  }

  /** The worker's keys, or none when {@code SECRETS_KEYS} is not set. */
  record WorkerSecretBox(SecretBox box) {}

  @Bean
  ClusterSettings clusterSettings(ClusterProperties properties) {
    return properties.settings();
  }

  @Bean(destroyMethod = "close")
  DeploymentCluster deploymentCluster(ClusterSettings settings) {
    DeploymentCluster cluster = DeploymentCluster.of(settings);
    switch (settings.mode()) {
      case NONE ->
          log.warn(
              "Deployments: no Kubernetes cluster configured (KUBECONFIG_PATH,"
                  + " KUBERNETES_IN_CLUSTER): deployments fail until one is");
      case SIMULATED ->
          log.info(
              "Deployments: SIMULATED cluster at {} (fabric8 mock server + Shipyard's controller)",
              settings.simulatedUrl());
      default ->
          log.info(
              "Deployments: {} cluster, {}",
              settings.mode().label(),
              settings.sharedNamespace()
                  ? "namespace " + settings.namespace()
                  : "a namespace per user (shipyard-<user id>)");
    }
    return cluster;
  }

  @Bean
  WorkerSecretBox workerSecretBox(SecretsProperties properties) {
    if (properties.keys() == null || properties.keys().isBlank()) {
      log.warn(
          "Deployments: SECRETS_KEYS is not set; deployments with environment values or registry"
              + " credentials will fail");
      return new WorkerSecretBox(null);
    }
    return new WorkerSecretBox(SecretBox.fromConfig(properties.keys()));
  }
}
