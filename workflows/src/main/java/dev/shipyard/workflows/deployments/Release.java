package dev.shipyard.workflows.deployments;

/**
 * One accepted change of what a deployment runs (create, update, scale, stop, start, rollback,
 * automatic rollback): its spec, the image digest it resolved to, who asked and when.
 *
 * @param number 1, 2, ... per deployment
 * @param change {@code create}, {@code update}, {@code scale}, {@code stop}, {@code start}, {@code
 *     rollback} or {@code auto-rollback}
 * @param spec the spec it applies
 * @param digest the image digest it runs ({@code sha256:...}), from the registry or, once rolled
 *     out, from the pods' {@code imageID}; null until known
 * @param author who asked ({@code system} for an automatic rollback)
 * @param at when it was accepted (epoch milliseconds, workflow time)
 * @param status what became of it
 * @param reason the cluster's reason of a failed release, or what a rollback went back to
 */
public record Release(
    int number,
    String change,
    DeploymentSpec spec,
    String digest,
    String author,
    long at,
    ReleaseStatus status,
    String reason) {

  public Release with(ReleaseStatus newStatus, String newDigest, String newReason) {
    return new Release(number, change, spec, newDigest, author, at, newStatus, newReason);
  }
}
