package dev.shipyard.activities.deployments;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@link DeploymentSecrets} read from PostgreSQL ({@code deployment_secrets}, V7). */
public class JdbcDeploymentSecrets implements DeploymentSecrets {

  private final JdbcTemplate jdbc;

  public JdbcDeploymentSecrets(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Sealed find(String deploymentId, int revision) {
    List<Sealed> rows =
        jdbc.query(
            "SELECT env_sealed, registry_sealed FROM deployment_secrets"
                + " WHERE deployment_id = ? AND revision = ?",
            (rs, n) -> new Sealed(rs.getString(1), rs.getString(2)),
            UUID.fromString(deploymentId),
            revision);
    return rows.isEmpty() ? null : rows.get(0);
  }
}
