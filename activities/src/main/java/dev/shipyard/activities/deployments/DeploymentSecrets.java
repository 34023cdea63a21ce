package dev.shipyard.activities.deployments;

/**
 * Where the sealed environment values and registry credentials of a deployment come from: the
 * {@code deployment_secrets} row of a revision ({@link JdbcDeploymentSecrets}). A port, so the
 * cluster activities are tested against the Kubernetes stand-in without a database.
 */
public interface DeploymentSecrets {

  /** The sealed values of {@code revision}, or null when there is no such row. */
  Sealed find(String deploymentId, int revision);

  /**
   * A revision's sealed values, as the API stored them (each may be null). Never logged: {@link
   * #toString()} hides them, although they are sealed.
   */
  record Sealed(String env, String registry) {
    @Override
    public String toString() {
      return "Sealed[env="
          + (env == null ? "none" : "(sealed)")
          + ", registry="
          + (registry == null ? "none" : "(sealed)")
          + "]";
    }
  }
}
