package dev.shipyard.workflows.deployments;

import java.util.List;

/**
 * What the cluster said about a deployment when it was last read: never derived from the desired
 * state.
 *
 * @param at when it was read (epoch milliseconds)
 * @param exists whether the Deployment object exists
 * @param desired {@code spec.replicas} of the Deployment
 * @param updated {@code status.updatedReplicas}
 * @param ready {@code status.readyReplicas}
 * @param available {@code status.availableReplicas}
 * @param restartCount the sum of the restart counts of the deployment's containers
 * @param health {@code healthy}, {@code progressing}, {@code degraded} (some ready, some failing),
 *     {@code unhealthy}, {@code stopped} (0 replicas asked), {@code absent} (no Deployment)
 * @param reason the cluster's own reason when not healthy ({@code ProgressDeadlineExceeded}, the
 *     waiting reason of the first failing container such as {@code CrashLoopBackOff}), else null
 * @param message the cluster's message with that reason, else null
 * @param since when the oldest ready pod started (epoch milliseconds; uptime), else null
 * @param digest the image digest the current pods run ({@code sha256:...}), else null
 * @param drift differences between the cluster and the desired state found by this read (for
 *     example {@code Deployment deleted out of band}); empty when none
 * @param cluster {@code simulated}, {@code kubeconfig} or {@code in-cluster}
 */
public record ObservedState(
    long at,
    boolean exists,
    int desired,
    int updated,
    int ready,
    int available,
    int restartCount,
    String health,
    String reason,
    String message,
    Long since,
    String digest,
    List<String> drift,
    String cluster) {

  public ObservedState {
    drift = drift == null ? List.of() : List.copyOf(drift);
  }
}
