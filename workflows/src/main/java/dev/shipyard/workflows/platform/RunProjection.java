package dev.shipyard.workflows.platform;

/**
 * One state of a workflow run, written to the {@code workflow_runs} table.
 *
 * @param workflowId the workflow ID (= business ID, such as {@code capsule-<id>})
 * @param kind the feature, such as {@code capsule} or {@code build}
 * @param tenantId the owning tenant
 * @param ownerId the owning user
 * @param status the run status
 * @param details a short, human-readable line (never a secret)
 * @param sequence a number the workflow increases with every update; an update with a sequence not
 *     greater than the stored one is ignored, which makes retries and replays harmless
 */
public record RunProjection(
    String workflowId,
    String kind,
    String tenantId,
    String ownerId,
    RunStatus status,
    String details,
    long sequence) {}
