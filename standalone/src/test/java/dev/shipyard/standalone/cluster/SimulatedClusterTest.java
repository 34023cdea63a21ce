package dev.shipyard.standalone.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shipyard.activities.deployments.DeploymentCluster;
import dev.shipyard.activities.deployments.DeploymentClusterActivitiesImpl;
import dev.shipyard.activities.deployments.DeploymentRolloutActivitiesImpl;
import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.workflows.deployments.Applied;
import dev.shipyard.workflows.deployments.ApplyRequest;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.HealthCheck;
import dev.shipyard.workflows.deployments.ObserveRequest;
import dev.shipyard.workflows.deployments.ObservedState;
import dev.shipyard.workflows.deployments.RolloutRequest;
import dev.shipyard.workflows.deployments.RolloutResult;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulated cluster's controller: pods for Deployments, readiness, rollouts, scaling, the
 * documented failure modes, the progress deadline, garbage collection and pod logs, read through a
 * real fabric8 client as the API and the worker read them.
 */
class SimulatedClusterTest {

  private static SimulatedCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = SimulatedCluster.start(0);
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static String namespace() {
    return "sim-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Deployment deployment(
      String ns, String name, String image, int replicas, int readinessDelay, Integer deadline) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withProgressDeadlineSeconds(deadline)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .addNewPort()
        .withContainerPort(8080)
        .endPort()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/healthz")
        .withNewPort(8080)
        .endHttpGet()
        .withInitialDelaySeconds(readinessDelay)
        .withPeriodSeconds(1)
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static List<Pod> pods(String ns, String app) {
    return client.pods().inNamespace(ns).withLabel("app", app).list().getItems();
  }

  private static Deployment get(String ns, String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  private static DeploymentCondition condition(Deployment d, String type) {
    if (d.getStatus() == null || d.getStatus().getConditions() == null) {
      return null;
    }
    return d.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static String sha256(String value) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aDeploymentGetsPodsAndBecomesAvailable() throws Exception {
    String ns = namespace();
    client.resource(deployment(ns, "web", "nginx:1.27", 3, 1, 60)).create();

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              Deployment d = get(ns, "web");
              assertThat(d.getStatus().getObservedGeneration())
                  .isEqualTo(d.getMetadata().getGeneration());
              assertThat(d.getStatus().getReadyReplicas()).isEqualTo(3);
              assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(3);
              assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(3);
              assertThat(condition(d, "Available").getStatus()).isEqualTo("True");
              assertThat(condition(d, "Progressing").getReason())
                  .isEqualTo("NewReplicaSetAvailable");
            });

    List<Pod> pods = pods(ns, "web");
    assertThat(pods).hasSize(3);
    String hash = pods.get(0).getMetadata().getLabels().get("pod-template-hash");
    assertThat(pods)
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "web-" + hash + "-0", "web-" + hash + "-1", "web-" + hash + "-2");
    Pod pod = pods.get(0);
    assertThat(pod.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("Deployment");
    assertThat(pod.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo("web");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    ContainerStatus c = pod.getStatus().getContainerStatuses().get(0);
    assertThat(c.getReady()).isTrue();
    assertThat(c.getStarted()).isTrue();
    assertThat(c.getState().getRunning().getStartedAt()).isNotNull();
    assertThat(c.getImageID()).isEqualTo("docker-pullable://nginx@sha256:" + sha256("nginx:1.27"));

    // scale down, then a new template: new pods replace the old ones
    // a JSON merge patch carries no resourceVersion: the controller's status writes cannot 409 it
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("web")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"replicas\":1}}");
    await().atMost(Duration.ofSeconds(10)).until(() -> pods(ns, "web").size() == 1);
    String pinned = "nginx@sha256:" + "cd".repeat(32);
    Deployment changed = get(ns, "web");
    changed.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(pinned);
    changed.getMetadata().setResourceVersion(null); // the controller writes its status meanwhile
    client.resource(changed).update();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              List<Pod> now = pods(ns, "web");
              assertThat(now).hasSize(1);
              assertThat(now.get(0).getSpec().getContainers().get(0).getImage()).isEqualTo(pinned);
              assertThat(now.get(0).getStatus().getContainerStatuses().get(0).getImageID())
                  .endsWith("@sha256:" + "cd".repeat(32));
              Deployment d = get(ns, "web");
              assertThat(d.getStatus().getObservedGeneration())
                  .isEqualTo(d.getMetadata().getGeneration());
              assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(1);
              assertThat(d.getStatus().getReplicas()).isEqualTo(1);
            });

    // deleted: its pods go too
    client.apps().deployments().inNamespace(ns).withName("web").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> pods(ns, "web").isEmpty());
  }

  @Test
  void aCrashLoopingImageNeverBecomesReadyAndExceedsItsDeadline() {
    String ns = namespace();
    client.resource(deployment(ns, "crash", "acme/crashloop:1", 1, 0, 2)).create();

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              Deployment d = get(ns, "crash");
              DeploymentCondition progressing = condition(d, "Progressing");
              assertThat(progressing.getStatus()).isEqualTo("False");
              assertThat(progressing.getReason()).isEqualTo("ProgressDeadlineExceeded");
              assertThat(d.getStatus().getReadyReplicas()).isZero();
            });
    Pod pod = pods(ns, "crash").get(0);
    ContainerStatus c = pod.getStatus().getContainerStatuses().get(0);
    assertThat(c.getReady()).isFalse();
    assertThat(c.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(c.getRestartCount()).isPositive();
    assertThat(c.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    String log = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).getLog();
    assertThat(log).contains("simulated crash");
  }

  @Test
  void aFailingImagePullIsErrImagePullThenImagePullBackOff() {
    String ns = namespace();
    client.resource(deployment(ns, "pull", "registry.local/imagepullbackoff:1", 1, 0, 60)).create();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<Pod> pods = pods(ns, "pull");
              assertThat(pods).hasSize(1);
              ContainerStatus c = pods.get(0).getStatus().getContainerStatuses().get(0);
              assertThat(c.getState().getWaiting().getReason()).isEqualTo("ImagePullBackOff");
              assertThat(pods.get(0).getStatus().getPhase()).isEqualTo("Pending");
            });
    String name = pods(ns, "pull").get(0).getMetadata().getName();
    assertThatThrownBy(() -> client.pods().inNamespace(ns).withName(name).getLog())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(400);
              assertThat(e.getMessage()).contains("waiting to start");
            });
  }

  @Test
  void podLogsAreServedWithTailSinceAndTimestamps() {
    String ns = namespace();
    client.resource(deployment(ns, "logs", "acme/api:2", 1, 0, 60)).create();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                pods(ns, "logs").size() == 1
                    && client
                            .pods()
                            .inNamespace(ns)
                            .withName(pods(ns, "logs").get(0).getMetadata().getName())
                            .getLog()
                            .lines()
                            .count()
                        >= 5);
    String pod = pods(ns, "logs").get(0).getMetadata().getName();
    var resource = client.pods().inNamespace(ns).withName(pod);

    String all = resource.getLog();
    assertThat(all.lines().findFirst()).hasValue("Starting acme/api:2");
    assertThat(all).contains("Listening on port 8080").contains("GET /healthz 200");

    assertThat(resource.tailingLines(2).getLog().lines()).hasSize(2);
    assertThat(resource.inContainer("app").tailingLines(10).getLog()).contains("GET /healthz");

    String stamped = resource.usingTimestamps().tailingLines(1).getLog();
    Instant at = Instant.parse(stamped.substring(0, stamped.indexOf(' ')));
    assertThat(at).isBefore(Instant.now().plusSeconds(1));
    String since = resource.sinceTime(at.toString()).getLog();
    assertThat(since).doesNotContain("Listening on port").contains("GET /healthz 200");

    // a pod made by hand has the log lines a test gives it
    client
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName("by-hand")
                .withNamespace(ns)
                .endMetadata()
                .build())
        .create();
    await() // 404 until the controller's next round has seen it
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(5))
        .until(() -> client.pods().inNamespace(ns).withName("by-hand").getLog().isEmpty());
    cluster.appendLog(ns, "by-hand", Instant.now(), "hello from a test");
    assertThat(client.pods().inNamespace(ns).withName("by-hand").getLog())
        .isEqualTo("hello from a test\n");

    assertThatThrownBy(() -> resource.inContainer("sidecar").getLog())
        .isInstanceOf(KubernetesClientException.class);
    assertThatThrownBy(() -> client.pods().inNamespace(ns).withName("nope").getLog())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }

  @Test
  void aSlowImageIsReadyOnlyAfterThreeSeconds() {
    String ns = namespace();
    long start = System.nanoTime();
    client.resource(deployment(ns, "lazy", "acme/slow-start:1", 1, 0, 60)).create();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .until(() -> get(ns, "lazy").getStatus().getAvailableReplicas() == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(SimulatedController.SLOW_READY_MS));
  }

  @Test
  void aSettledClusterWritesNothing() {
    String ns = namespace();
    client.resource(deployment(ns, "calm", "nginx:1.27", 2, 0, 60)).create();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .until(() -> get(ns, "calm").getStatus().getAvailableReplicas() == 2);
    String deployment = get(ns, "calm").getMetadata().getResourceVersion();
    List<String> pods =
        pods(ns, "calm").stream().map(p -> p.getMetadata().getResourceVersion()).toList();
    // for a second (five controller rounds), neither the Deployment nor its pods change
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(2))
        .until(
            () ->
                get(ns, "calm").getMetadata().getResourceVersion().equals(deployment)
                    && pods(ns, "calm").stream()
                        .map(p -> p.getMetadata().getResourceVersion())
                        .toList()
                        .equals(pods));
  }

  @Test
  void metricsAreNotServed() {
    assertThatThrownBy(() -> client.top().pods().metrics("default"))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }

  @Test
  void theDeploymentActivitiesRollOutOnTheSimulatedCluster() {
    ClusterSettings settings =
        new ClusterSettings(null, false, cluster.url(), null, null, null, null);
    DeploymentCluster target = new DeploymentCluster(settings, client);
    var activities =
        new DeploymentClusterActivitiesImpl(target, (d, r) -> null, () -> null, Clock.systemUTC());
    var rollouts =
        new DeploymentRolloutActivitiesImpl(target, Clock.systemUTC(), Duration.ofMillis(100));
    String id = UUID.randomUUID().toString();
    DeploymentObjects objects =
        DeploymentObjects.of(settings, id, UUID.randomUUID().toString(), "shop");
    DeploymentTarget t =
        new DeploymentTarget(
            id, objects.ownerId(), objects.appName(), objects.namespace(), objects.name());
    DeploymentSpec spec =
        new DeploymentSpec(
            "acme/shop:1",
            8080,
            2,
            null,
            List.of(),
            1,
            false,
            new HealthCheck("/healthz", 1, 1, 1, 3));

    Applied applied = activities.apply(new ApplyRequest(t, spec, List.of(), List.of(), 1, 30));
    RolloutResult result =
        rollouts.awaitRollout(new RolloutRequest(t, applied.generation(), 2, 30));
    assertThat(result.complete()).isTrue();
    assertThat(result.digest()).startsWith("sha256:");
    ObservedState observed =
        activities.observe(new ObserveRequest(t, spec, List.of(), List.of(), true));
    assertThat(observed.health()).isEqualTo("healthy");
    assertThat(observed.cluster()).isEqualTo("simulated");
    assertThat(observed.since()).isNotNull();

    // a crash-looping release fails within its deadline with the container's reason
    DeploymentSpec broken = spec.withImage("acme/shop-crashloop:2");
    Applied second = activities.apply(new ApplyRequest(t, broken, List.of(), List.of(), 2, 2));
    RolloutResult failed = rollouts.awaitRollout(new RolloutRequest(t, second.generation(), 2, 2));
    assertThat(failed.complete()).isFalse();
    assertThat(failed.reason()).isEqualTo("ProgressDeadlineExceeded");
    assertThat(failed.message()).contains("CrashLoopBackOff");
    // the old pods keep serving while the new ones crash
    assertThat(failed.observed().ready()).isEqualTo(2);

    // stopped: no pod left, the rollout of 0 replicas completes
    DeploymentSpec stopped = spec.withReplicas(0);
    Applied third = activities.apply(new ApplyRequest(t, stopped, List.of(), List.of(), 3, 30));
    assertThat(rollouts.awaitRollout(new RolloutRequest(t, third.generation(), 0, 30)).complete())
        .isTrue();
    assertThat(
            activities.observe(new ObserveRequest(t, stopped, List.of(), List.of(), true)).health())
        .isEqualTo("stopped");
    assertThat(client.pods().inNamespace(t.namespace()).list().getItems()).isEmpty();

    assertThat(activities.delete(t)).isTrue();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client
                    .pods()
                    .inAnyNamespace()
                    .withLabel(DeploymentObjects.LABEL_DEPLOYMENT, id)
                    .list()
                    .getItems()
                    .isEmpty());
  }
}
