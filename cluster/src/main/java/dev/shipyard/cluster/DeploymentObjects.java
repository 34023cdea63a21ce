package dev.shipyard.cluster;

import java.util.Locale;
import java.util.Map;

/**
 * Where a deployment's objects live and what they are called and labelled: the one place that
 * knows, for the worker that writes them and the API that reads them. Every object carries {@link
 * #labels()}, so {@code kubectl get all -l shipyard.dev/deployment-id=<id>} shows all of it.
 *
 * @param deploymentId the deployment's ID (a UUID)
 * @param ownerId the owning user's ID (a UUID)
 * @param appName the deployment's {@code app_name} (a DNS-1123 label)
 * @param namespace where its objects live
 * @param name the name of its Deployment and Service (the app name, or the app name and a short
 *     owner suffix when every deployment shares one namespace)
 */
public record DeploymentObjects(
    String deploymentId, String ownerId, String appName, String namespace, String name) {

  public static final String LABEL_DEPLOYMENT = "shipyard.dev/deployment-id";
  public static final String LABEL_OWNER = "shipyard.dev/owner";
  public static final String LABEL_NAME = "app.kubernetes.io/name";
  public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "shipyard";

  /** On a custom-domain Ingress: the domain's UUID ({@code deployment_domains.id}). */
  public static final String LABEL_DOMAIN = "shipyard.dev/domain-id";

  /** On an extra Service ({@code /api/services}): its UUID ({@code deployment_services.id}). */
  public static final String LABEL_SERVICE = "shipyard.dev/service-id";

  /** The Deployment's annotation naming the release it runs. */
  public static final String ANNOTATION_RELEASE = "shipyard.dev/release";

  /** The name of the deployment's one container (in pod logs: {@code container=app}). */
  public static final String CONTAINER = "app";

  /** The objects of a deployment under {@code settings}. */
  public static DeploymentObjects of(
      ClusterSettings settings, String deploymentId, String ownerId, String appName) {
    String owner = ownerId.toLowerCase(Locale.ROOT);
    if (settings.sharedNamespace()) {
      return new DeploymentObjects(
          deploymentId,
          ownerId,
          appName,
          settings.namespace(),
          appName + "-" + owner.replace("-", "").substring(0, 8));
    }
    return new DeploymentObjects(deploymentId, ownerId, appName, "shipyard-" + owner, appName);
  }

  /** The labels on every object of the deployment. */
  public Map<String, String> labels() {
    return Map.of(
        LABEL_DEPLOYMENT, deploymentId,
        LABEL_OWNER, ownerId,
        LABEL_NAME, appName,
        LABEL_INSTANCE, name,
        LABEL_MANAGED_BY, MANAGED_BY);
  }

  /** The labels of a namespace Shipyard created for a user. */
  public Map<String, String> namespaceLabels() {
    return Map.of(LABEL_MANAGED_BY, MANAGED_BY, LABEL_OWNER, ownerId);
  }

  /** The pod selector of its Deployment and Services. */
  public Map<String, String> selector() {
    return Map.of(LABEL_DEPLOYMENT, deploymentId);
  }

  /** The Secret holding the environment of secrets revision {@code revision}. */
  public String envSecret(int revision) {
    return name + "-env-r" + revision;
  }

  /** The {@code kubernetes.io/dockerconfigjson} Secret of the registry credentials. */
  public String registrySecret() {
    return name + "-registry";
  }

  /** The Ingress of a custom domain ({@code domainId}: the domain's UUID). */
  public String ingress(String domainId) {
    return name + "-d-" + domainId.replace("-", "").substring(0, 10);
  }

  /**
   * The name of an extra Service ({@code /api/services}) called {@code serviceName}: that name,
   * with the same owner suffix as {@link #name()} when every deployment shares one namespace.
   */
  public String service(String serviceName) {
    return serviceName + name.substring(appName.length());
  }

  /** The deployment's URL: {@code https://<app>.<DOMAIN_SUFFIX>}. */
  public static String url(ClusterSettings settings, String appName) {
    return "https://" + appName + "." + settings.domainSuffix();
  }
}
