package dev.shipyard.workflows.platform;

/**
 * One state of a workflow run, written to the {@code workflow_runs} table: the one status path of
 * every workflow-backed operation.
 *
 * @param workflowId the workflow ID (= business ID, such as {@code capsule-<id>})
 * @param kind the feature, such as {@code capsule-generation} or {@code build}
 * @param tenantId the owning tenant
 * @param ownerId the owning user
 * @param status the run status (terminal or not: {@link RunStatus#isTerminal()})
 * @param phase the feature's own step, such as {@code planning} or {@code validating}; may be null
 * @param details a short, human-readable line (never a secret)
 * @param error why the run failed or was cancelled, else null (never a secret)
 * @param sequence a number the workflow increases with every update; an update with a sequence not
 *     greater than the stored one is ignored, which makes retries and replays harmless
 */
public record RunProjection(
    String workflowId,
    String kind,
    String tenantId,
    String ownerId,
    RunStatus status,
    String phase,
    String details,
    String error,
    long sequence) {

  /** A projection without phase and error. */
  public RunProjection(
      String workflowId,
      String kind,
      String tenantId,
      String ownerId,
      RunStatus status,
      String details,
      long sequence) {
    this(workflowId, kind, tenantId, ownerId, status, null, details, null, sequence);
  }
}
