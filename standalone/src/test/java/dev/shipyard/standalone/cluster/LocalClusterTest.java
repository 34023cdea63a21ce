package dev.shipyard.standalone.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.workflows.deployments.Applied;
import dev.shipyard.workflows.deployments.ApplyRequest;
import dev.shipyard.workflows.deployments.DeploymentClusterActivities;
import dev.shipyard.workflows.deployments.DeploymentRolloutActivities;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.HealthCheck;
import dev.shipyard.workflows.deployments.Resources;
import dev.shipyard.workflows.deployments.RolloutRequest;
import dev.shipyard.workflows.deployments.RolloutResult;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The local platform's wiring of deployments to the simulated cluster: the worker's activity beans
 * reach it (SHIPYARD_SIMULATED_CLUSTER_URL), open the sealed values of a real {@code
 * deployment_secrets} row with the generated SECRETS_KEYS ({@code JdbcDeploymentSecrets}), and the
 * controller rolls the Deployment out.
 */
@ExtendWith(LocalPlatformExtension.class)
class LocalClusterTest {

  @Test
  void theWorkersActivitiesDeployIntoTheSimulatedCluster(
      LocalPlatform platform, SimulatedCluster cluster, WebTestClient api) {
    assertThat(cluster).isNotNull().isSameAs(platform.cluster());
    assertThat(platform.endpoints().clusterUrl()).isEqualTo(cluster.url());
    var worker = platform.workerContext();
    String keys = worker.getEnvironment().getProperty("shipyard.secrets.keys");
    assertThat(keys).isNotBlank();
    assertThat(platform.apiContext().getEnvironment().getProperty("shipyard.secrets.keys"))
        .isEqualTo(keys);
    SecretBox box = SecretBox.fromConfig(keys);

    Account owner = Accounts.register(api, "deployer");
    UUID id = UUID.randomUUID();
    DeploymentObjects objects =
        DeploymentObjects.of(
            new dev.shipyard.cluster.ClusterSettings(
                null, false, cluster.url(), null, null, null, null),
            id.toString(),
            owner.id(),
            "shop");
    JdbcTemplate jdbc = worker.getBean(JdbcTemplate.class);
    jdbc.update(
        "INSERT INTO deployments (id, tenant_id, owner_id, app_name, workflow_id, namespace,"
            + " object_name, image, port, replicas, url) VALUES (?, ?, ?, 'shop', ?, ?, ?,"
            + " 'acme/shop:1', 8080, 2, 'https://shop.apps.shipyard.local')",
        id,
        owner.tenantId(),
        UUID.fromString(owner.id()),
        "deployment-" + id,
        objects.namespace(),
        objects.name());
    jdbc.update(
        "INSERT INTO deployment_secrets (deployment_id, revision, env_sealed) VALUES (?, 1, ?)",
        id,
        box.seal("deployment:" + id + ":env:1", "{\"DATABASE_PASSWORD\":\"pa55-word\"}"));

    DeploymentTarget target =
        new DeploymentTarget(
            id.toString(), owner.id(), "shop", objects.namespace(), objects.name());
    DeploymentSpec spec =
        new DeploymentSpec(
            "acme/shop:1",
            8080,
            2,
            new Resources("100m", "128Mi"),
            List.of("DATABASE_PASSWORD"),
            1,
            false,
            new HealthCheck("/health", 1, 1, 1, 3));
    DeploymentClusterActivities activities =
        worker.getBean("deploymentClusterActivities", DeploymentClusterActivities.class);
    DeploymentRolloutActivities rollouts =
        worker.getBean("deploymentRolloutActivities", DeploymentRolloutActivities.class);

    Applied applied = activities.apply(new ApplyRequest(target, spec, List.of(), List.of(), 1, 30));
    RolloutResult rollout =
        rollouts.awaitRollout(new RolloutRequest(target, applied.generation(), 2, 30));

    assertThat(rollout.complete()).isTrue();
    assertThat(rollout.observed().cluster()).isEqualTo("simulated");
    assertThat(rollout.observed().ready()).isEqualTo(2);
    KubernetesClient client = cluster.client();
    Secret env =
        client.secrets().inNamespace(objects.namespace()).withName(objects.envSecret(1)).get();
    assertThat(
            new String(
                Base64.getDecoder().decode(env.getData().get("DATABASE_PASSWORD")),
                StandardCharsets.UTF_8))
        .isEqualTo("pa55-word");

    assertThat(activities.delete(target)).isTrue();
    assertThat(client.namespaces().withName(objects.namespace()).get()).isNull();
  }
}
