package dev.shipyard.workflows.builds;

/**
 * The live state of a build (the workflow's {@code state} query).
 *
 * @param status the build status
 * @param step the current step, e.g. {@code Preparing project}, {@code Building and testing}
 * @param capsuleId the capsule once known, else null
 * @param cancelRequestedBy who asked to cancel, null when nobody did
 */
public record BuildState(
    BuildStatus status, String step, String capsuleId, String cancelRequestedBy) {}
