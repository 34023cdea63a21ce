package dev.shipyard.workflows.capsules.batch;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Exports one capsule of a batch (platform queue, long-step profile: heartbeats, cancellable):
 * checks the capsule is visible to the caller, resolves the version, and streams its archive into
 * object storage under {@link ExportItemRequest#objectKey()} (never whole in memory). A missing or
 * foreign capsule answers {@link ExportItemResult#notFound}, never a failure. Idempotent: the same
 * version always gives the same archive under the same key.
 */
@ActivityInterface(namePrefix = "CapsuleBatchExport")
public interface CapsuleBatchExportActivities {

  @ActivityMethod
  ExportItemResult exportCapsule(ExportItemRequest request);
}
