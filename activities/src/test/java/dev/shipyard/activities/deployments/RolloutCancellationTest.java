package dev.shipyard.activities.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.workflows.ActivityProfile;
import dev.shipyard.workflows.deployments.Applied;
import dev.shipyard.workflows.deployments.ApplyRequest;
import dev.shipyard.workflows.deployments.DeploymentRolloutActivities;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.RolloutRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rollout watch in Temporal's activity test environment: it heartbeats at once and while it
 * waits, and a cancel stops the wait within the SDK's heartbeat throttle (0.8 x the heartbeat
 * timeout) instead of at the progress deadline.
 */
@EnableKubernetesMockClient(crud = true)
class RolloutCancellationTest {

  KubernetesMockServer server;
  KubernetesClient client;

  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void aCancelStopsTheWatchLongBeforeTheDeadline() throws Exception {
    ClusterSettings settings =
        new ClusterSettings(null, false, "http://sim", null, null, null, null);
    DeploymentCluster cluster = new DeploymentCluster(settings, client);
    String id = UUID.randomUUID().toString();
    DeploymentObjects o = DeploymentObjects.of(settings, id, UUID.randomUUID().toString(), "shop");
    DeploymentTarget target =
        new DeploymentTarget(id, o.ownerId(), o.appName(), o.namespace(), o.name());
    // no controller runs here: the rollout never completes
    Applied applied =
        new DeploymentClusterActivitiesImpl(cluster, (d, r) -> null, () -> null, Clock.systemUTC())
            .apply(
                new ApplyRequest(
                    target,
                    new DeploymentSpec("nginx:1.27", 8080, 1, null, List.of(), 1, false, null),
                    List.of(),
                    List.of(),
                    1,
                    600));
    List<String> beats = new java.util.concurrent.CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(String.class, beats::add);
    env.registerActivitiesImplementations(
        new DeploymentRolloutActivitiesImpl(cluster, Clock.systemUTC(), Duration.ofMillis(100)));
    DeploymentRolloutActivities rollouts =
        env.newActivityStub(
            DeploymentRolloutActivities.class, ActivityProfile.ROLLOUT_WATCH.options());

    CompletableFuture<Object> watch =
        CompletableFuture.supplyAsync(
            () -> rollouts.awaitRollout(new RolloutRequest(target, applied.generation(), 1, 600)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (beats.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(beats).isNotEmpty();
    long cancelled = System.nanoTime();
    env.requestCancelActivity();

    assertThatThrownBy(() -> watch.get(30, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(CanceledFailure.class);
    // The SDK sends heartbeats (and so learns of a cancel) at most every 0.8 x the heartbeat
    // timeout (10 s for ROLLOUT_WATCH): the cancel arrives within that, not at the 600 s deadline.
    assertThat(Duration.ofNanos(System.nanoTime() - cancelled))
        .isLessThan(ActivityProfile.ROLLOUT_WATCH.options().getHeartbeatTimeout().plusSeconds(2));
  }
}
