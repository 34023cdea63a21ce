package dev.shipyard.workflows.capsules.batch;

/**
 * One capsule of a batch export, as the caller named it.
 *
 * @param capsuleId the capsule's ID (not checked yet: the export step checks it is visible)
 * @param versionId the version to export, or null for the head of {@code main}
 */
public record BatchExportItem(String capsuleId, String versionId) {}
