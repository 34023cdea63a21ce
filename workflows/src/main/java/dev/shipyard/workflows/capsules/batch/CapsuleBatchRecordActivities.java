package dev.shipyard.workflows.capsules.batch;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Writes a batch's item results into {@code capsule_batch_export_items} (bookkeeping), where the
 * API reads them for the batch's answer and the download links. Idempotent: a retry rewrites the
 * same rows.
 */
@ActivityInterface(namePrefix = "CapsuleBatchRecord")
public interface CapsuleBatchRecordActivities {

  @ActivityMethod
  void recordResults(BatchResults results);

  /** The results of one batch (at most 50 items). */
  record BatchResults(String batchId, java.util.List<ExportItemResult> results) {
    public BatchResults {
      results = java.util.List.copyOf(results);
    }
  }
}
