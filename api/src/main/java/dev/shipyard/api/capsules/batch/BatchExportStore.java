package dev.shipyard.api.capsules.batch;

import dev.shipyard.api.runs.WorkflowRuns;
import dev.shipyard.api.security.Caller;
import dev.shipyard.workflows.capsules.batch.BatchExportRequest;
import dev.shipyard.workflows.platform.RunStatus;
import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The API's side of batch exports (V8_3): the batch row it writes when it accepts a request, the
 * status from the batch's run ({@code workflow_runs}, the one status path), and the item rows the
 * worker writes when the batch ends. A batch is its owner's alone: every read is scoped to the
 * caller in the query, and another user's batch does not exist for them.
 */
@Component
class BatchExportStore {

  private final DatabaseClient db;
  private final WorkflowRuns runs;

  BatchExportStore(DatabaseClient db, WorkflowRuns runs) {
    this.db = db;
    this.runs = runs;
  }

  /** A batch as stored, with its run's status. */
  record BatchRow(
      UUID id,
      String format,
      List<String> capsuleIds,
      String runStatus,
      String runError,
      OffsetDateTime closedAt) {}

  /** One capsule's result. */
  record ItemRow(
      String capsuleId,
      String status,
      String versionId,
      Long size,
      String sha256,
      String objectKey,
      String error) {}

  /** An archive to serve. */
  record Archive(UUID batchId, String capsuleId, String format, String objectKey, long size) {}

  /** The batch row and its run (queued), before the workflow starts. */
  Mono<Void> insert(BatchExportRequest request, Caller caller) {
    return db.sql(
            "INSERT INTO capsule_batch_exports (id, tenant_id, owner_id, format, capsule_ids,"
                + " workflow_id) VALUES (:id, :tenant, :owner, :format, :capsules, :workflow)")
        .bind("id", UUID.fromString(request.batchId()))
        .bind("tenant", caller.tenantId())
        .bind("owner", caller.userId())
        .bind("format", request.format())
        .bind(
            "capsules",
            request.items().stream()
                .map(dev.shipyard.workflows.capsules.batch.BatchExportItem::capsuleId)
                .toArray(String[]::new))
        .bind("workflow", request.workflowId())
        .then()
        .then(
            runs.open(
                request.workflowId(),
                BatchExportRequest.KIND,
                caller.tenantId(),
                caller.userId().toString(),
                "queued"));
  }

  /** Marks the run of a batch whose workflow could not be started failed. */
  Mono<Void> markFailed(String workflowId, String error) {
    return runs.close(workflowId, RunStatus.FAILED, error, System.currentTimeMillis()).then();
  }

  /** The caller's batch, or empty. */
  Mono<BatchRow> find(Caller caller, UUID id) {
    return db.sql(
            "SELECT b.id, b.format, b.capsule_ids, r.status AS run_status, r.error AS run_error,"
                + " r.closed_at FROM capsule_batch_exports b"
                + " LEFT JOIN workflow_runs r ON r.workflow_id = b.workflow_id"
                + " WHERE b.id = :id AND b.tenant_id = :tenant AND b.owner_id = :caller")
        .bind("id", id)
        .bind("tenant", caller.tenantId())
        .bind("caller", caller.userId())
        .map(
            row ->
                new BatchRow(
                    row.get("id", UUID.class),
                    row.get("format", String.class),
                    List.of(row.get("capsule_ids", String[].class)),
                    row.get("run_status", String.class),
                    row.get("run_error", String.class),
                    row.get("closed_at", OffsetDateTime.class)))
        .one();
  }

  /** A batch's item results, in the request's order. */
  Flux<ItemRow> items(UUID batchId) {
    return db.sql(
            "SELECT capsule_id, status, version_id, size_bytes, sha256, object_key, error"
                + " FROM capsule_batch_export_items WHERE batch_id = :batch ORDER BY position")
        .bind("batch", batchId)
        .map(
            row ->
                new ItemRow(
                    row.get("capsule_id", String.class),
                    row.get("status", String.class),
                    row.get("version_id", String.class),
                    row.get("size_bytes", Long.class),
                    row.get("sha256", String.class),
                    row.get("object_key", String.class),
                    row.get("error", String.class)))
        .all();
  }

  /**
   * The caller's latest successful export of a capsule (in {@code batchId} when given), of a
   * capsule that still exists.
   */
  Mono<Archive> latestOf(Caller caller, String capsuleId, UUID batchId) {
    return db.sql(
            ARCHIVE
                + " AND b.tenant_id = :tenant AND b.owner_id = :caller"
                + " AND (CAST(:batch AS uuid) IS NULL OR b.id = CAST(:batch AS uuid))"
                + " ORDER BY i.created_at DESC, b.created_at DESC LIMIT 1")
        .bind("capsule", capsuleId)
        .bind("tenant", caller.tenantId())
        .bind("caller", caller.userId())
        .bind("batch", Parameter.fromOrEmpty(batchId, UUID.class))
        .map(BatchExportStore::archive)
        .one();
  }

  /** The export of a capsule in a batch, for a signed link (checked before). */
  Mono<Archive> inBatch(String capsuleId, UUID batchId) {
    return db.sql(ARCHIVE + " AND b.id = :batch")
        .bind("capsule", capsuleId)
        .bind("batch", batchId)
        .map(BatchExportStore::archive)
        .one();
  }

  private static final String ARCHIVE =
      "SELECT b.id, i.capsule_id, b.format, i.object_key, i.size_bytes"
          + " FROM capsule_batch_export_items i"
          + " JOIN capsule_batch_exports b ON b.id = i.batch_id"
          + " JOIN capsules c ON c.id = i.capsule_id AND c.tenant_id = b.tenant_id"
          + " WHERE i.capsule_id = :capsule AND i.status = 'success'";

  private static Archive archive(Readable row) {
    return new Archive(
        row.get("id", UUID.class),
        row.get("capsule_id", String.class),
        row.get("format", String.class),
        row.get("object_key", String.class),
        row.get("size_bytes", Long.class));
  }
}
