package dev.shipyard.activities.deployments;

import dev.shipyard.activities.common.Heartbeats;
import dev.shipyard.workflows.deployments.DeploymentRolloutActivities;
import dev.shipyard.workflows.deployments.ObservedState;
import dev.shipyard.workflows.deployments.RolloutRequest;
import dev.shipyard.workflows.deployments.RolloutResult;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.temporal.activity.Activity;
import java.time.Clock;
import java.time.Duration;

/**
 * Watches a rollout by polling the Deployment and its pods every {@code period} (500 ms in the
 * worker) until every replica of the generation is updated, ready and available, or the cluster
 * says the rollout failed ({@code ProgressDeadlineExceeded} on the Progressing condition), or the
 * progress deadline passes, counted from when the workflow scheduled the watch (so a retry on
 * another worker does not start the clock again). The result carries the cluster's own reason: on
 * the deadline, {@code ProgressDeadlineExceeded} with the first failing container's reason (such as
 * {@code CrashLoopBackOff}) in the message. It heartbeats through {@link Heartbeats} while it
 * watches; a cancel interrupts the wait.
 */
public class DeploymentRolloutActivitiesImpl implements DeploymentRolloutActivities {

  private final ClusterObserver observer;
  private final Clock clock;
  private final Duration period;

  public DeploymentRolloutActivitiesImpl(DeploymentCluster cluster, Clock clock, Duration period) {
    this.observer = new ClusterObserver(cluster, clock);
    this.clock = clock;
    this.period = period;
  }

  @Override
  public RolloutResult awaitRollout(RolloutRequest request) {
    try {
      return Heartbeats.during(
          "watching rollout of generation " + request.generation(), () -> watch(request));
    } catch (Exception e) {
      throw ClusterFailures.map(e);
    }
  }

  private RolloutResult watch(RolloutRequest request) throws InterruptedException {
    long deadline = startMillis() + request.progressDeadlineSeconds() * 1000L;
    while (true) {
      ClusterObserver.Reading reading = observer.read(request.target());
      ObservedState observed = observer.state(reading, null);
      if (ClusterObserver.complete(reading, request.generation(), request.replicas())) {
        return new RolloutResult(true, null, null, observed.digest(), observed);
      }
      if (reading.deployment() == null) {
        return new RolloutResult(
            false,
            "DeploymentNotFound",
            "Deployment " + request.target().name() + " disappeared during its rollout",
            null,
            observed);
      }
      DeploymentCondition exceeded =
          reading.observedGeneration() >= request.generation() ? reading.deadlineExceeded() : null;
      if (exceeded != null || clock.millis() >= deadline) {
        return new RolloutResult(
            false,
            ClusterObserver.PROGRESS_DEADLINE_EXCEEDED,
            failureMessage(request, reading, exceeded),
            observed.digest(),
            observed);
      }
      Thread.sleep(Math.max(1, Math.min(period.toMillis(), deadline - clock.millis())));
    }
  }

  private static String failureMessage(
      RolloutRequest request, ClusterObserver.Reading reading, DeploymentCondition exceeded) {
    StringBuilder message = new StringBuilder();
    if (exceeded != null && exceeded.getMessage() != null) {
      message.append(exceeded.getMessage());
    } else {
      var s = reading.status();
      message
          .append("rollout of ")
          .append(request.target().name())
          .append(" not complete after ")
          .append(request.progressDeadlineSeconds())
          .append(" s: ")
          .append(n(s.getReadyReplicas()))
          .append(" of ")
          .append(request.replicas())
          .append(" replicas ready");
    }
    ContainerStatus failing = reading.firstFailing();
    if (failing != null) {
      message.append("; ").append(ClusterObserver.failingLine(failing));
    }
    return message.toString();
  }

  /** When the workflow scheduled the watch (epoch ms), or now outside an activity. */
  private long startMillis() {
    try {
      return Activity.getExecutionContext().getInfo().getScheduledTimestamp();
    } catch (IllegalStateException e) {
      return clock.millis();
    }
  }

  private static int n(Integer value) {
    return value == null ? 0 : value;
  }
}
