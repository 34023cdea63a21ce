package dev.shipyard.activities.deployments;

import dev.shipyard.outbound.OutboundUnavailableException;
import dev.shipyard.workflows.deployments.DeploymentFailure;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.util.Locale;

/**
 * The one place where failures of the cluster activities become typed Temporal failures ({@link
 * DeploymentFailure}): no answer, 5xx, 429 or a write conflict are {@code CLUSTER_UNAVAILABLE}
 * (retried by the profile), a namespace being deleted is {@code NAMESPACE_TERMINATING} (retried
 * until it is gone), any other 4xx is {@code CLUSTER_REFUSED} with the API server's own message
 * (not retried: the same objects would be refused again).
 */
final class ClusterFailures {

  private ClusterFailures() {}

  static RuntimeException map(Exception e) {
    if (e instanceof ApplicationFailure || e instanceof ActivityCompletionException) {
      return (RuntimeException) e;
    }
    if (e instanceof OutboundUnavailableException open) {
      return DeploymentFailure.CLUSTER_UNAVAILABLE.failure(
          "the Kubernetes API is failing; not called: " + open.getMessage());
    }
    KubernetesClientException k = find(e);
    if (k == null) {
      return e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    int code = k.getCode();
    String message = serverMessage(k);
    if (terminating(k, message)) {
      return DeploymentFailure.NAMESPACE_TERMINATING.failure(
          "the namespace is being deleted: " + message);
    }
    if (code <= 0 || code >= 500 || code == 429 || code == 409) {
      return DeploymentFailure.CLUSTER_UNAVAILABLE.failure(
          (code <= 0
                  ? "the Kubernetes API did not answer: "
                  : "the Kubernetes API answered " + code + ": ")
              + message);
    }
    return DeploymentFailure.CLUSTER_REFUSED.failure(
        "the Kubernetes API refused the change (" + code + "): " + message);
  }

  /**
   * Whether {@code e} is an outage of the Kubernetes API (for its breaker): no answer (an I/O
   * failure, code 0), a 5xx or a 429. Refusals (other 4xx) and conflicts are answers.
   */
  static boolean outage(Throwable e) {
    KubernetesClientException k = find(e);
    if (k != null) {
      int code = k.getCode();
      return code <= 0 || code >= 500 || code == 429;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.IOException) {
        return true;
      }
    }
    return false;
  }

  private static KubernetesClientException find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        return k;
      }
    }
    return null;
  }

  private static String serverMessage(KubernetesClientException k) {
    Status status = k.getStatus();
    if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
      return status.getMessage();
    }
    if (k.getCause() != null && k.getCause().getMessage() != null) {
      return k.getCause().getClass().getSimpleName() + ": " + k.getCause().getMessage();
    }
    return String.valueOf(k.getMessage());
  }

  private static boolean terminating(KubernetesClientException k, String message) {
    Status status = k.getStatus();
    if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null) {
      for (StatusCause cause : status.getDetails().getCauses()) {
        if ("NamespaceTerminating".equals(cause.getReason())) {
          return true;
        }
      }
    }
    return (k.getCode() == 403 || k.getCode() == 409)
        && message != null
        && message.toLowerCase(Locale.ROOT).contains("being terminated");
  }
}
