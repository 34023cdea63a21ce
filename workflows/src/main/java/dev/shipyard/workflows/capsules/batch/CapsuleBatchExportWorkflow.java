package dev.shipyard.workflows.capsules.batch;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One batch export (capsules-api.md §12): one export step per capsule, a bounded number at once; a
 * capsule that fails is a failed item, never a failed batch. Workflow ID {@code
 * capsule-batch-export-<batch id>}; status through the run projection (kind {@code
 * capsule-batch-export}); the item results in {@code capsule_batch_export_items}.
 */
@WorkflowInterface
public interface CapsuleBatchExportWorkflow {

  @WorkflowMethod
  BatchExportResult export(BatchExportRequest request);

  /** How many capsules have ended so far (exported or failed). */
  @QueryMethod
  int finished();
}
