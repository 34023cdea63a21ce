package dev.shipyard.workflows.deployments;

import java.util.List;

/**
 * What a deployment should run: the part of its desired state that a release records. Holds no
 * secret: environment values and registry credentials are sealed in PostgreSQL ({@code
 * deployment_secrets}, by deployment and {@code secretsRevision}) and opened by the activity that
 * writes the cluster's Secret.
 *
 * @param image the image reference as asked ({@code repo:tag}), or pinned by digest ({@code
 *     repo@sha256:...}) for a rollback
 * @param port the container port
 * @param replicas the replicas asked (0 while stopped)
 * @param resources requests and limits, may be null
 * @param envNames the names of the environment variables (values sealed), sorted
 * @param secretsRevision the {@code deployment_secrets} revision holding the environment values and
 *     registry credentials of this spec
 * @param registryAuth whether the pods pull with the registry credentials of that revision
 * @param healthCheck the probes, may be null
 */
public record DeploymentSpec(
    String image,
    int port,
    int replicas,
    Resources resources,
    List<String> envNames,
    int secretsRevision,
    boolean registryAuth,
    HealthCheck healthCheck) {

  public DeploymentSpec {
    envNames = envNames == null ? List.of() : List.copyOf(envNames);
  }

  public DeploymentSpec withReplicas(int value) {
    return new DeploymentSpec(
        image, port, value, resources, envNames, secretsRevision, registryAuth, healthCheck);
  }

  public DeploymentSpec withImage(String value) {
    return new DeploymentSpec(
        value, port, replicas, resources, envNames, secretsRevision, registryAuth, healthCheck);
  }
}
