package dev.shipyard.workflows.capsules.batch;

import java.util.List;

/**
 * One batch export (capsules-api.md §12): at most {@link #MAX_ITEMS} capsules, each exported into
 * object storage by its own activity. Bounded, and without secrets: the caller's scope travels as
 * IDs (tenant, user, whether they see the whole tenant), so each step checks visibility the way the
 * API's queries do.
 *
 * @param batchId the batch's ID (a UUID)
 * @param tenantId the caller's tenant
 * @param ownerId the caller (the batch's owner)
 * @param wholeTenant whether the caller sees every capsule of the tenant (an admin)
 * @param format {@code zip} or {@code tar.gz}
 * @param items the capsules, in the caller's order, unique
 * @param parallelism how many capsules are exported at once (1 or more; set by the API's
 *     configuration, since a workflow reads none)
 */
public record BatchExportRequest(
    String batchId,
    String tenantId,
    String ownerId,
    boolean wholeTenant,
    String format,
    List<BatchExportItem> items,
    int parallelism) {

  /** The run kind in {@code workflow_runs}. */
  public static final String KIND = "capsule-batch-export";

  /** The most capsules one batch may name. */
  public static final int MAX_ITEMS = 50;

  public BatchExportRequest {
    items = List.copyOf(items);
    if (items.isEmpty() || items.size() > MAX_ITEMS) {
      throw new IllegalArgumentException("A batch holds 1 to " + MAX_ITEMS + " capsules");
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
  }

  /** The business ID of a batch's workflow: {@code capsule-batch-export-<batch id>}. */
  public static String workflowId(String batchId) {
    return "capsule-batch-export-" + batchId;
  }

  public String workflowId() {
    return workflowId(batchId);
  }

  /** What the export step of one item needs. */
  public ExportItemRequest item(BatchExportItem item) {
    return new ExportItemRequest(
        batchId, tenantId, ownerId, wholeTenant, format, item.capsuleId(), item.versionId());
  }
}
