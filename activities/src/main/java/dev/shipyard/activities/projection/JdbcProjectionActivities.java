package dev.shipyard.activities.projection;

import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The worker's single writer of run status: upserts {@code workflow_runs} rows over JDBC, ignoring
 * any update whose sequence is not newer than the stored one (retries and replays are harmless),
 * and any update of a closed run: a run that reached a terminal status ({@code closed_at} is set
 * exactly then) keeps it, so a cancel that reaches a stored capsule while its webhook is being sent
 * cannot turn it into "cancelled". The schema belongs to the API's Flyway migrations.
 */
public class JdbcProjectionActivities implements ProjectionActivities {

  private static final String UPSERT =
      """
      INSERT INTO workflow_runs
          (workflow_id, kind, tenant_id, owner_id, status, phase, details, error, sequence,
           started_at, updated_at, closed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now(), now(), CASE WHEN ? THEN now() END)
      ON CONFLICT (workflow_id) DO UPDATE SET
          status = EXCLUDED.status,
          phase = EXCLUDED.phase,
          details = EXCLUDED.details,
          error = EXCLUDED.error,
          sequence = EXCLUDED.sequence,
          updated_at = now(),
          closed_at = EXCLUDED.closed_at
      WHERE workflow_runs.sequence < EXCLUDED.sequence AND workflow_runs.closed_at IS NULL
      """;

  private final JdbcTemplate jdbc;

  public JdbcProjectionActivities(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void recordRun(RunProjection p) {
    write(p);
  }

  /**
   * Writes {@code p} unless its sequence is not newer or the run is closed; returns whether it was
   * written. Callers that write more in the same transaction (a feature's own projection) use it.
   */
  public boolean write(RunProjection p) {
    return jdbc.update(
            UPSERT,
            p.workflowId(),
            p.kind(),
            p.tenantId(),
            p.ownerId(),
            p.status().value(),
            p.phase(),
            p.details(),
            p.error(),
            p.sequence(),
            p.status().isTerminal())
        > 0;
  }
}
