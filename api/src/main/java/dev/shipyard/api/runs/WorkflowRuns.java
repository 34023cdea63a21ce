package dev.shipyard.api.runs;

import dev.shipyard.workflows.platform.RunStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The API's side of {@code workflow_runs}, the one status table of every workflow-backed operation.
 * The workflow writes every state of its run through the projection activity (sequences 1, 2, ...);
 * the API only opens a run before starting its workflow (sequence 0, so the workflow's first update
 * replaces it) and closes runs Temporal cannot report on any more: a workflow that could not be
 * started, and those the startup reconciler finds gone.
 */
@Component
public class WorkflowRuns {

  private final DatabaseClient db;

  WorkflowRuns(DatabaseClient db) {
    this.db = db;
  }

  /** A run about to start, in {@code phase} (e.g. {@code queued}); nothing if it exists. */
  public Mono<Void> open(
      String workflowId, String kind, String tenantId, String ownerId, String phase) {
    return db.sql(
            """
            INSERT INTO workflow_runs (workflow_id, kind, tenant_id, owner_id, status, phase,
                                       sequence)
            VALUES (:id, :kind, :tenant, :owner, :status, :phase, 0)
            ON CONFLICT (workflow_id) DO NOTHING
            """)
        .bind("id", workflowId)
        .bind("kind", kind)
        .bind("tenant", tenantId)
        .bind("owner", ownerId)
        .bind("status", RunStatus.RUNNING.value())
        .bind("phase", phase)
        .then();
  }

  /**
   * Closes a run still marked running as {@code status} with {@code reason} (as details, and as the
   * error unless it completed); emits how many rows changed (0 or 1).
   */
  public Mono<Long> close(String workflowId, RunStatus status, String reason, long closedAtMillis) {
    if (!status.isTerminal()) {
      throw new IllegalArgumentException("Not a terminal status: " + status);
    }
    return db.sql(
            """
            UPDATE workflow_runs
               SET status = :status, details = :details,
                   error = CASE WHEN :failed THEN :details ELSE error END,
                   updated_at = now(), closed_at = to_timestamp(:closedAt / 1000.0)
             WHERE workflow_id = :id AND status = :running
            """)
        .bind("status", status.value())
        .bind("details", reason)
        .bind("failed", status != RunStatus.COMPLETED)
        .bind("closedAt", (double) closedAtMillis)
        .bind("id", workflowId)
        .bind("running", RunStatus.RUNNING.value())
        .fetch()
        .rowsUpdated();
  }
}
