package dev.shipyard.activities.deployments;

import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.cluster.ImageReference;
import dev.shipyard.outbound.OutboundBreakers;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.workflows.deployments.Applied;
import dev.shipyard.workflows.deployments.ApplyRequest;
import dev.shipyard.workflows.deployments.CustomDomain;
import dev.shipyard.workflows.deployments.DeploymentClusterActivities;
import dev.shipyard.workflows.deployments.DeploymentFailure;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.ObserveRequest;
import dev.shipyard.workflows.deployments.ObservedState;
import dev.shipyard.workflows.deployments.ServiceSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployments' side effects on the cluster, with fabric8 (README: Deployments, "Clusters").
 * Every write is create-or-replace, so an activity retried after a lost worker writes the same
 * objects again and nothing twice. Environment values and registry credentials are opened from
 * {@code deployment_secrets} only here, written into Secrets and forgotten: never logged, never
 * returned. Old environment Secrets (earlier revisions) are left in place while the deployment
 * lives, since pods of the previous ReplicaSet may still start with them during a rollout and a
 * rollback reuses them; {@link #delete} removes them all.
 */
public class DeploymentClusterActivitiesImpl implements DeploymentClusterActivities {

  private static final Logger log = LoggerFactory.getLogger(DeploymentClusterActivitiesImpl.class);

  private final DeploymentCluster cluster;
  private final DeploymentSecrets secrets;
  private final Supplier<SecretBox> box;
  private final ClusterObserver observer;
  private final OutboundBreakers.Dependency<Object> kubernetes;

  /**
   * @param box the worker's {@link SecretBox}; its supplier may return null when {@code
   *     SECRETS_KEYS} is not set (deployments with secrets then fail with {@code
   *     SECRETS_UNAVAILABLE})
   */
  public DeploymentClusterActivitiesImpl(
      DeploymentCluster cluster, DeploymentSecrets secrets, Supplier<SecretBox> box, Clock clock) {
    this(cluster, secrets, box, clock, OutboundBreakers.withDefaults());
  }

  /**
   * ... with the worker's shared {@code breakers}: while the Kubernetes API fails (no answer, 5xx,
   * 429), calls fail at once as {@code CLUSTER_UNAVAILABLE} and Temporal's retry policy waits.
   */
  public DeploymentClusterActivitiesImpl(
      DeploymentCluster cluster,
      DeploymentSecrets secrets,
      Supplier<SecretBox> box,
      Clock clock,
      OutboundBreakers breakers) {
    this.cluster = cluster;
    this.secrets = secrets;
    this.box = box;
    this.observer = new ClusterObserver(cluster, clock);
    this.kubernetes = breakers.dependency("kubernetes", ClusterFailures::outage);
  }

  /** {@code call} through the Kubernetes API's breaker, its failures typed. */
  @SuppressWarnings("unchecked")
  private <T> T guarded(Callable<T> call) {
    try {
      return (T) kubernetes.call(call::call);
    } catch (Exception e) {
      throw ClusterFailures.map(e);
    }
  }

  @Override
  public Applied apply(ApplyRequest request) {
    return guarded(() -> doApply(request));
  }

  private Applied doApply(ApplyRequest request) {
    KubernetesClient client = cluster.require();
    DeploymentTarget target = request.target();
    DeploymentObjects objects = DeploymentManifests.objects(target);
    String ns = target.namespace();
    ensureNamespace(client, objects);

    OpenedSecrets opened =
        OpenedSecrets.open(secrets, box.get(), target.deploymentId(), request.spec());
    if (!request.spec().envNames().isEmpty()) {
      write(
          client,
          DeploymentManifests.envSecret(objects, request.spec().secretsRevision(), opened.env()));
    }
    if (opened.dockerConfigJson() != null) {
      write(client, DeploymentManifests.registrySecret(objects, opened.dockerConfigJson()));
    }

    Map<String, String> annotations;
    if (request.release() != null) {
      annotations = DeploymentManifests.annotations(request.release());
    } else {
      Deployment existing =
          client.apps().deployments().inNamespace(ns).withName(objects.name()).get();
      annotations =
          existing == null || existing.getMetadata().getAnnotations() == null
              ? Map.of()
              : existing.getMetadata().getAnnotations();
    }
    Deployment written =
        writeDeployment(
            client,
            DeploymentManifests.deployment(
                objects, request.spec(), annotations, request.progressDeadlineSeconds()));
    write(client, DeploymentManifests.service(objects, request.spec()));

    Set<String> ingresses = new HashSet<>();
    for (CustomDomain domain : request.domains()) {
      Ingress ingress =
          DeploymentManifests.ingress(objects, request.spec(), domain, cluster.settings());
      write(client, ingress);
      ingresses.add(ingress.getMetadata().getName());
    }
    for (Ingress existing :
        client
            .network()
            .v1()
            .ingresses()
            .inNamespace(ns)
            .withLabel(DeploymentObjects.LABEL_DEPLOYMENT, target.deploymentId())
            .list()
            .getItems()) {
      if (!ingresses.contains(existing.getMetadata().getName())) {
        client.resource(existing).delete();
        log.info("Deployment {}: Ingress {} removed", target.deploymentId(), name(existing));
      }
    }

    Set<String> services = new HashSet<>(Set.of(objects.name()));
    for (ServiceSpec extra : request.services()) {
      Service service = DeploymentManifests.extraService(objects, extra);
      write(client, service);
      services.add(service.getMetadata().getName());
    }
    for (Service existing :
        client
            .services()
            .inNamespace(ns)
            .withLabel(DeploymentObjects.LABEL_DEPLOYMENT, target.deploymentId())
            .list()
            .getItems()) {
      if (!services.contains(existing.getMetadata().getName())) {
        client.resource(existing).delete();
        log.info("Deployment {}: Service {} removed", target.deploymentId(), name(existing));
      }
    }
    Long generation = written.getMetadata().getGeneration();
    log.info(
        "Deployment {}: applied {} in {} (generation {}, release {})",
        target.deploymentId(),
        objects.name(),
        ns,
        generation,
        request.release());
    // the digest is known here only when the image is pinned by it (a rollback); otherwise the
    // rollout reads it from the pods
    return new Applied(
        generation == null ? 1 : generation, ImageReference.parse(request.spec().image()).digest());
  }

  /**
   * A per-user namespace is created when missing (labelled as Shipyard's); the shared one ({@code
   * KUBERNETES_NAMESPACE}) must exist. Either one being deleted is {@code NAMESPACE_TERMINATING}.
   * Namespaces are only read, created and deleted (the chart's RBAC grants no update).
   */
  private void ensureNamespace(KubernetesClient client, DeploymentObjects objects) {
    String ns = objects.namespace();
    Namespace existing = client.namespaces().withName(ns).get();
    if (existing == null) {
      if (shared(ns)) {
        throw DeploymentFailure.CLUSTER_REFUSED.failure(
            "namespace " + ns + " (KUBERNETES_NAMESPACE) does not exist");
      }
      try {
        client.resource(DeploymentManifests.namespace(objects)).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) { // 409: created meanwhile (another deployment of the user)
          throw e;
        }
      }
      return;
    }
    if (existing.getStatus() != null && "Terminating".equals(existing.getStatus().getPhase())) {
      throw DeploymentFailure.NAMESPACE_TERMINATING.failure(
          "namespace " + ns + " is being deleted; the deployment waits until it is gone");
    }
  }

  private boolean shared(String namespace) {
    return cluster.settings().sharedNamespace()
        && cluster.settings().namespace().trim().equals(namespace);
  }

  private static <T extends HasMetadata> T write(KubernetesClient client, T object) {
    return client.resource(object).createOr(NonDeletingOperation::update);
  }

  /**
   * The Deployment, created or replaced; an unchanged one is left alone, so applying the same
   * request again changes nothing (not even the generation) on any API server.
   */
  private static Deployment writeDeployment(KubernetesClient client, Deployment desired) {
    Deployment existing = client.resource(desired).get();
    if (existing != null
        && existing.getSpec() != null
        && desired.getSpec().equals(existing.getSpec())
        && desired.getMetadata().getLabels().equals(existing.getMetadata().getLabels())
        && annotationsOf(existing).equals(desired.getMetadata().getAnnotations())) {
      return existing;
    }
    return write(client, desired);
  }

  private static Map<String, String> annotationsOf(HasMetadata object) {
    return object.getMetadata().getAnnotations() == null
        ? Map.of()
        : new LinkedHashMap<>(object.getMetadata().getAnnotations());
  }

  private static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }

  @Override
  public ObservedState observe(ObserveRequest request) {
    return guarded(() -> observer.state(observer.read(request.target()), request));
  }

  @Override
  public boolean delete(DeploymentTarget target) {
    return guarded(() -> doDelete(target));
  }

  private boolean doDelete(DeploymentTarget target) {
    KubernetesClient client = cluster.require();
    String ns = target.namespace();
    String id = target.deploymentId();
    String label = DeploymentObjects.LABEL_DEPLOYMENT;
    client.apps().deployments().inNamespace(ns).withLabel(label, id).delete();
    client.network().v1().ingresses().inNamespace(ns).withLabel(label, id).delete();
    client.services().inNamespace(ns).withLabel(label, id).delete();
    client.secrets().inNamespace(ns).withLabel(label, id).delete();
    log.info("Deployment {}: its objects in {} deleted", id, ns);
    if (shared(ns)) {
      return false;
    }
    Namespace namespace = client.namespaces().withName(ns).get();
    if (namespace == null) {
      return true;
    }
    Map<String, String> labels = namespace.getMetadata().getLabels();
    if (labels == null
        || !DeploymentObjects.MANAGED_BY.equals(labels.get(DeploymentObjects.LABEL_MANAGED_BY))) {
      return false; // not created by Shipyard: never deleted by it
    }
    boolean others =
        client
            .apps()
            .deployments()
            .inNamespace(ns)
            .withLabel(DeploymentObjects.LABEL_MANAGED_BY, DeploymentObjects.MANAGED_BY)
            .list()
            .getItems()
            .stream()
            .anyMatch(
                d ->
                    d.getMetadata().getLabels() != null
                        && !id.equals(d.getMetadata().getLabels().get(label)));
    if (others) {
      return false;
    }
    client.namespaces().withName(ns).delete();
    log.info("Deployment {}: namespace {} deleted (nothing else of Shipyard's in it)", id, ns);
    return true;
  }
}
