package dev.shipyard.cluster;

/**
 * Which Kubernetes cluster Shipyard deploys to, read from the same variables by the API (logs,
 * metrics, status reads) and the worker (every change). README: Deployments, "Clusters".
 *
 * @param kubeconfigPath {@code KUBECONFIG_PATH}: a kubeconfig file (its current context)
 * @param inCluster {@code KUBERNETES_IN_CLUSTER=true}: the pod's service account
 * @param simulatedUrl {@code SHIPYARD_SIMULATED_CLUSTER_URL}: the simulated cluster the local
 *     platform runs (fabric8's mock server in CRUD mode plus Shipyard's controller); set by the
 *     launcher, never by hand
 * @param namespace {@code KUBERNETES_NAMESPACE}: one namespace for every deployment; when blank,
 *     each user gets a namespace of their own ({@code shipyard-<user id>})
 * @param domainSuffix {@code DOMAIN_SUFFIX}: a deployment's URL is {@code https://<app>.<suffix>}
 * @param ingressClass {@code INGRESS_CLASS_NAME}: the class of custom-domain Ingresses (blank: the
 *     cluster's default class)
 * @param clusterIssuer {@code CERT_MANAGER_CLUSTER_ISSUER}: the cert-manager cluster issuer named
 *     on custom-domain Ingresses for TLS (blank: no TLS annotation)
 */
public record ClusterSettings(
    String kubeconfigPath,
    boolean inCluster,
    String simulatedUrl,
    String namespace,
    String domainSuffix,
    String ingressClass,
    String clusterIssuer) {

  /** How the cluster is reached. */
  public enum Mode {
    KUBECONFIG,
    IN_CLUSTER,
    SIMULATED,
    /** No cluster configured: deployments are refused with a clear message. */
    NONE;

    /** The name shown in status answers and the banner ({@code "simulated"}, ...). */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  public ClusterSettings {
    domainSuffix = blank(domainSuffix) ? "apps.shipyard.local" : domainSuffix.trim();
  }

  public Mode mode() {
    if (!blank(kubeconfigPath)) {
      return Mode.KUBECONFIG;
    }
    if (inCluster) {
      return Mode.IN_CLUSTER;
    }
    if (!blank(simulatedUrl)) {
      return Mode.SIMULATED;
    }
    return Mode.NONE;
  }

  public boolean simulated() {
    return mode() == Mode.SIMULATED;
  }

  /** Whether every deployment shares {@link #namespace()}. */
  public boolean sharedNamespace() {
    return !blank(namespace);
  }

  static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
