package dev.shipyard.activities.deployments;

import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.workflows.deployments.CustomDomain;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.ObserveRequest;
import dev.shipyard.workflows.deployments.ObservedState;
import dev.shipyard.workflows.deployments.ServiceSpec;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads what the cluster says about a deployment (its Deployment's status and its pods) into an
 * {@link ObservedState}, and with a desired state at hand the differences (drift). Used by {@code
 * observe} and by the rollout watch; never derives anything from the desired state.
 */
final class ClusterObserver {

  static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

  /** Waiting reasons of a container that is starting normally, not failing. */
  private static final Set<String> STARTING = Set.of("ContainerCreating", "PodInitializing");

  private final DeploymentCluster cluster;
  private final Clock clock;

  ClusterObserver(DeploymentCluster cluster, Clock clock) {
    this.cluster = cluster;
    this.clock = clock;
  }

  /** A read of the Deployment and its pods, at one moment. */
  record Reading(Deployment deployment, List<Pod> pods) {

    DeploymentStatus status() {
      return deployment == null || deployment.getStatus() == null
          ? new DeploymentStatus()
          : deployment.getStatus();
    }

    long observedGeneration() {
      Long g = status().getObservedGeneration();
      return g == null ? 0 : g;
    }

    /** The Progressing condition when it is False with ProgressDeadlineExceeded, else null. */
    DeploymentCondition deadlineExceeded() {
      if (status().getConditions() == null) {
        return null;
      }
      return status().getConditions().stream()
          .filter(c -> "Progressing".equals(c.getType()))
          .filter(c -> "False".equals(c.getStatus()))
          .filter(c -> PROGRESS_DEADLINE_EXCEEDED.equals(c.getReason()))
          .findFirst()
          .orElse(null);
    }

    /** The first container that is failing (waiting with a reason other than starting). */
    ContainerStatus firstFailing() {
      for (Pod pod : pods) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
          continue;
        }
        for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
          if (c.getState() != null
              && c.getState().getWaiting() != null
              && c.getState().getWaiting().getReason() != null
              && !STARTING.contains(c.getState().getWaiting().getReason())) {
            return c;
          }
        }
      }
      return null;
    }
  }

  Reading read(DeploymentTarget target) {
    KubernetesClient client = cluster.require();
    Deployment deployment =
        client.apps().deployments().inNamespace(target.namespace()).withName(target.name()).get();
    List<Pod> pods =
        client
            .pods()
            .inNamespace(target.namespace())
            .withLabel(DeploymentObjects.LABEL_DEPLOYMENT, target.deploymentId())
            .list()
            .getItems();
    return new Reading(deployment, pods);
  }

  /** The observed state of {@code reading}; drift comes from {@code desired} when given. */
  ObservedState state(Reading reading, ObserveRequest desired) {
    List<String> drift = desired == null ? List.of() : drift(reading, desired);
    long at = clock.millis();
    int restarts =
        reading.pods().stream()
            .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
            .flatMap(p -> p.getStatus().getContainerStatuses().stream())
            .mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount())
            .sum();
    Deployment d = reading.deployment();
    if (d == null) {
      return new ObservedState(
          at,
          false,
          0,
          0,
          0,
          0,
          restarts,
          "absent",
          null,
          null,
          null,
          null,
          drift,
          cluster.label());
    }
    DeploymentStatus s = reading.status();
    int desiredReplicas =
        d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    int updated = n(s.getUpdatedReplicas());
    int ready = n(s.getReadyReplicas());
    int available = n(s.getAvailableReplicas());
    String reason = null;
    String message = null;
    DeploymentCondition deadline = reading.deadlineExceeded();
    ContainerStatus failing = reading.firstFailing();
    if (deadline != null) {
      reason = PROGRESS_DEADLINE_EXCEEDED;
      message = deadline.getMessage();
      if (failing != null) {
        message = (message == null ? "" : message + "; ") + failingLine(failing);
      }
    } else if (failing != null) {
      reason = failing.getState().getWaiting().getReason();
      message = failing.getState().getWaiting().getMessage();
    }
    boolean complete = complete(reading, d.getMetadata().getGeneration(), desiredReplicas);
    String health;
    if (desiredReplicas == 0) {
      health = complete ? "stopped" : "progressing";
    } else if (complete && failing == null) {
      health = "healthy";
    } else if (failing != null || deadline != null) {
      health = ready > 0 ? "degraded" : "unhealthy";
    } else {
      health = "progressing";
    }
    return new ObservedState(
        at,
        true,
        desiredReplicas,
        updated,
        ready,
        available,
        restarts,
        health,
        reason,
        message,
        since(reading.pods()),
        digest(reading),
        drift,
        cluster.label());
  }

  /**
   * Whether the rollout of {@code generation} is complete: observed, and every replica of the new
   * template updated, ready and available, with no old pod left.
   */
  static boolean complete(Reading reading, Long generation, int replicas) {
    if (reading.deployment() == null) {
      return false;
    }
    DeploymentStatus s = reading.status();
    return reading.observedGeneration() >= (generation == null ? 0 : generation)
        && n(s.getUpdatedReplicas()) == replicas
        && n(s.getReadyReplicas()) == replicas
        && n(s.getAvailableReplicas()) == replicas
        && n(s.getReplicas()) == replicas;
  }

  static String failingLine(ContainerStatus failing) {
    String message = failing.getState().getWaiting().getMessage();
    return "container "
        + failing.getName()
        + ": "
        + failing.getState().getWaiting().getReason()
        + (message == null || message.isBlank() ? "" : " (" + message + ")");
  }

  private List<String> drift(Reading reading, ObserveRequest desired) {
    List<String> drift = new ArrayList<>();
    if (!desired.applied()) {
      return drift;
    }
    DeploymentTarget target = desired.target();
    DeploymentObjects objects = DeploymentManifests.objects(target);
    Deployment d = reading.deployment();
    if (d == null) {
      drift.add("Deployment " + target.name() + " is missing (deleted out of band)");
    } else if (desired.spec() != null) {
      Integer replicas = d.getSpec() == null ? null : d.getSpec().getReplicas();
      if (!Objects.equals(replicas, desired.spec().replicas())) {
        drift.add(
            "Deployment "
                + target.name()
                + " has "
                + replicas
                + " replicas, the spec asks "
                + desired.spec().replicas());
      }
      String image = image(d);
      if (!Objects.equals(image, desired.spec().image())) {
        drift.add(
            "Deployment "
                + target.name()
                + " runs image "
                + image
                + ", the spec asks "
                + desired.spec().image());
      }
    }
    KubernetesClient client = cluster.require();
    var services = client.services().inNamespace(target.namespace());
    if (services.withName(objects.name()).get() == null) {
      drift.add("Service " + objects.name() + " is missing");
    }
    for (ServiceSpec extra : desired.services()) {
      String name = objects.service(extra.name());
      if (services.withName(name).get() == null) {
        drift.add("Service " + name + " is missing");
      }
    }
    var ingresses = client.network().v1().ingresses().inNamespace(target.namespace());
    for (CustomDomain domain : desired.domains()) {
      String name = objects.ingress(domain.id());
      if (ingresses.withName(name).get() == null) {
        drift.add("Ingress " + name + " of " + domain.host() + " is missing");
      }
    }
    return drift;
  }

  static String image(Deployment d) {
    if (d.getSpec() == null
        || d.getSpec().getTemplate() == null
        || d.getSpec().getTemplate().getSpec() == null
        || d.getSpec().getTemplate().getSpec().getContainers() == null
        || d.getSpec().getTemplate().getSpec().getContainers().isEmpty()) {
      return null;
    }
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  /** When the oldest ready pod started (epoch ms), null when none is ready. */
  private static Long since(List<Pod> pods) {
    return pods.stream()
        .filter(ClusterObserver::ready)
        .map(p -> p.getStatus().getStartTime())
        .filter(Objects::nonNull)
        .map(t -> Instant.parse(t).toEpochMilli())
        .min(Comparator.naturalOrder())
        .orElse(null);
  }

  private static boolean ready(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The digest the current template's pods run: the part after {@code @} of their containers'
   * {@code imageID}, preferring ready pods of the Deployment's image.
   */
  static String digest(Reading reading) {
    String image = reading.deployment() == null ? null : image(reading.deployment());
    List<Pod> current =
        reading.pods().stream()
            .filter(
                p ->
                    p.getSpec() != null
                        && p.getSpec().getContainers() != null
                        && !p.getSpec().getContainers().isEmpty()
                        && Objects.equals(p.getSpec().getContainers().get(0).getImage(), image))
            .sorted(Comparator.comparing(p -> ready(p) ? 0 : 1))
            .toList();
    for (Pod pod : current) {
      if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
        continue;
      }
      for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
        String id = c.getImageID();
        if (id != null && id.contains("@")) {
          return id.substring(id.lastIndexOf('@') + 1);
        }
      }
    }
    return null;
  }

  private static int n(Integer value) {
    return value == null ? 0 : value;
  }
}
