package dev.shipyard.workflows.deployments;

/**
 * How a rollout ended: {@code complete} (every replica updated, ready and available), or not, with
 * the cluster's own reason ({@code ProgressDeadlineExceeded}, the waiting reason of the first
 * failing container such as {@code CrashLoopBackOff} or {@code ImagePullBackOff}) and message.
 * {@code digest} is the image digest the new pods run, when known; {@code observed} the cluster's
 * state at the end.
 */
public record RolloutResult(
    boolean complete, String reason, String message, String digest, ObservedState observed) {}
