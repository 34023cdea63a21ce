package dev.shipyard.workflows.builds;

/**
 * How a build ended: the workflow's result (a failed build fails its workflow with the error).
 *
 * @param status {@link BuildStatus#COMPLETED} or {@link BuildStatus#CANCELLED}
 * @param results what the build produced (partial when cancelled)
 * @param message a short line
 */
public record BuildOutcome(BuildStatus status, BuildResults results, String message) {}
