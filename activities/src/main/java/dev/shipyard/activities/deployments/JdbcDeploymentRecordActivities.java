package dev.shipyard.activities.deployments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.projection.JdbcProjectionActivities;
import dev.shipyard.workflows.deployments.DeploymentInput;
import dev.shipyard.workflows.deployments.DeploymentPhase;
import dev.shipyard.workflows.deployments.DeploymentProjection;
import dev.shipyard.workflows.deployments.DeploymentRecordActivities;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import dev.shipyard.workflows.deployments.Release;
import dev.shipyard.workflows.deployments.ReleaseStatus;
import dev.shipyard.workflows.platform.RunProjection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The worker's writer of a deployment's rows, in one transaction per projection: its run in {@code
 * workflow_runs} (through {@link JdbcProjectionActivities#write}, the one status path, so the
 * sequence guard is the same), then, only when that write happened (a newer sequence), its {@code
 * deployments} row, its changed releases and, when the phase changed, a {@code
 * deployment_status_changed} notification for the owner. A retried or replayed projection therefore
 * writes nothing twice and notifies once.
 */
public class JdbcDeploymentRecordActivities implements DeploymentRecordActivities {

  private final JdbcTemplate jdbc;
  private final JdbcProjectionActivities runs;
  private final TransactionTemplate transactions;
  private final ObjectMapper json;

  public JdbcDeploymentRecordActivities(JdbcTemplate jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.runs = new JdbcProjectionActivities(jdbc);
    this.transactions =
        new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
    this.json = json;
  }

  @Override
  public void record(DeploymentProjection p) {
    transactions.executeWithoutResult(tx -> write(p));
  }

  private void write(DeploymentProjection p) {
    UUID id = UUID.fromString(p.target().deploymentId());
    String workflowId = p.target().workflowId();
    List<String> previous =
        jdbc.queryForList(
            "SELECT phase FROM workflow_runs WHERE workflow_id = ? FOR UPDATE",
            String.class,
            workflowId);
    String before = previous.isEmpty() ? null : previous.get(0);
    boolean written =
        runs.write(
            new RunProjection(
                workflowId,
                DeploymentInput.KIND,
                p.tenantId(),
                p.target().ownerId(),
                p.phase().run(),
                p.phase().value(),
                p.details(),
                p.error(),
                p.sequence()));
    if (!written) {
      return;
    }
    boolean deleted = p.phase() == DeploymentPhase.DELETED;
    jdbc.update(
        "UPDATE deployments SET replicas = ?, available_replicas = ?, image = COALESCE(?, image),"
            + " digest = COALESCE(?, digest), deployed_at = COALESCE(?, deployed_at),"
            + " deleted_at = CASE WHEN ? THEN COALESCE(deleted_at, now()) ELSE deleted_at END,"
            + " updated_at = now() WHERE id = ?",
        p.desiredReplicas(),
        p.availableReplicas(),
        p.image(),
        p.digest(),
        p.deployedAt() == null ? null : Timestamp.from(Instant.ofEpochMilli(p.deployedAt())),
        deleted,
        id);
    if (deleted) {
      // A deleted deployment frees its custom domains for others.
      jdbc.update("DELETE FROM deployment_domains WHERE deployment_id = ?", id);
    }
    for (Release release : p.releases()) {
      upsert(id, release);
    }
    if (!p.phase().value().equals(before)) {
      notifyOwner(p, id);
    }
  }

  private void upsert(UUID deploymentId, Release r) {
    jdbc.update(
        "INSERT INTO deployment_releases"
            + " (deployment_id, number, change, spec, digest, author, status, reason, created_at)"
            + " VALUES (?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?)"
            + " ON CONFLICT (deployment_id, number) DO UPDATE SET digest = EXCLUDED.digest,"
            + " status = EXCLUDED.status, reason = EXCLUDED.reason, updated_at = now()",
        deploymentId,
        r.number(),
        r.change(),
        toJson(r.spec()),
        r.digest(),
        r.author(),
        r.status().name().toLowerCase(Locale.ROOT),
        r.reason(),
        Timestamp.from(Instant.ofEpochMilli(r.at())));
  }

  private void notifyOwner(DeploymentProjection p, UUID deploymentId) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("status", p.phase().value());
    data.put("url", p.url());
    if (p.error() != null) {
      data.put("error", p.error());
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", "deployment_status_changed");
    event.put("deployment_id", p.target().deploymentId());
    event.put("timestamp", Instant.now().toString());
    event.put("data", data);
    jdbc.update(
        "INSERT INTO notifications (user_id, type, deployment_id, payload)"
            + " VALUES (?, 'deployment_status_changed', ?, CAST(? AS jsonb))",
        UUID.fromString(p.target().ownerId()),
        deploymentId,
        toJson(event));
  }

  @Override
  public Release release(String deploymentId, int number) {
    List<Release> found =
        jdbc.query(
            "SELECT * FROM deployment_releases WHERE deployment_id = ? AND number = ?",
            this::release,
            UUID.fromString(deploymentId),
            number);
    return found.isEmpty() ? null : found.get(0);
  }

  @Override
  public Release releaseByDigest(String deploymentId, String digest) {
    List<Release> found =
        jdbc.query(
            "SELECT * FROM deployment_releases WHERE deployment_id = ? AND digest = ?"
                + " ORDER BY number DESC LIMIT 1",
            this::release,
            UUID.fromString(deploymentId),
            digest);
    return found.isEmpty() ? null : found.get(0);
  }

  private Release release(ResultSet rs, int row) throws SQLException {
    try {
      return new Release(
          rs.getInt("number"),
          rs.getString("change"),
          json.readValue(rs.getString("spec"), DeploymentSpec.class),
          rs.getString("digest"),
          rs.getString("author"),
          rs.getTimestamp("created_at").toInstant().toEpochMilli(),
          ReleaseStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
          rs.getString("reason"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("deployment_releases.spec does not parse", e);
    }
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
