package dev.shipyard.activities.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.workflows.deployments.Applied;
import dev.shipyard.workflows.deployments.ApplyRequest;
import dev.shipyard.workflows.deployments.CustomDomain;
import dev.shipyard.workflows.deployments.DeploymentFailure;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.HealthCheck;
import dev.shipyard.workflows.deployments.ObserveRequest;
import dev.shipyard.workflows.deployments.ObservedState;
import dev.shipyard.workflows.deployments.Resources;
import dev.shipyard.workflows.deployments.RolloutRequest;
import dev.shipyard.workflows.deployments.RolloutResult;
import dev.shipyard.workflows.deployments.ServiceSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster activities against fabric8's mock API server in CRUD mode: the objects they write,
 * idempotency, removal of what the request no longer lists, drift, the reasons of failing rollouts
 * and deletion. The test plays the Deployment controller with {@code editStatus} and pods.
 */
@EnableKubernetesMockClient(crud = true)
class DeploymentClusterActivitiesTest {

  KubernetesMockServer server;
  KubernetesClient client;

  private final SecretBox box = SecretBox.fromConfig(SecretBox.newKeyConfig("k1"));
  private final Map<String, DeploymentSecrets.Sealed> sealed = new HashMap<>();
  private final String id = UUID.randomUUID().toString();
  private final String owner = UUID.randomUUID().toString();
  private ClusterSettings settings;
  private DeploymentTarget target;

  @BeforeEach
  void setUp() {
    settings = settings("", "nginx", "letsencrypt");
    target = target(settings, id, "shop");
  }

  private ClusterSettings settings(String namespace, String ingressClass, String issuer) {
    return new ClusterSettings(null, false, "http://sim", namespace, null, ingressClass, issuer);
  }

  private DeploymentTarget target(ClusterSettings s, String deploymentId, String app) {
    DeploymentObjects o = DeploymentObjects.of(s, deploymentId, owner, app);
    return new DeploymentTarget(
        o.deploymentId(), o.ownerId(), o.appName(), o.namespace(), o.name());
  }

  private DeploymentClusterActivitiesImpl activities(ClusterSettings s) {
    return new DeploymentClusterActivitiesImpl(
        new DeploymentCluster(s, client),
        (deployment, revision) -> sealed.get(deployment + "/" + revision),
        () -> box,
        Clock.systemUTC());
  }

  private DeploymentRolloutActivitiesImpl rollouts() {
    return new DeploymentRolloutActivitiesImpl(
        new DeploymentCluster(settings, client), Clock.systemUTC(), Duration.ofMillis(50));
  }

  private void seal(String deploymentId, int revision, String envJson, String registryJson) {
    sealed.put(
        deploymentId + "/" + revision,
        new DeploymentSecrets.Sealed(
            envJson == null
                ? null
                : box.seal("deployment:" + deploymentId + ":env:" + revision, envJson),
            registryJson == null
                ? null
                : box.seal("deployment:" + deploymentId + ":registry:" + revision, registryJson)));
  }

  private static DeploymentSpec spec(String image, int replicas) {
    return new DeploymentSpec(
        image,
        8080,
        replicas,
        new Resources("250m", "256Mi"),
        List.of("API_TOKEN", "MODE"),
        1,
        true,
        new HealthCheck("/healthz", 5, 10, 2, 3));
  }

  private ApplyRequest request(
      DeploymentSpec spec, List<CustomDomain> domains, List<ServiceSpec> services) {
    return new ApplyRequest(target, spec, domains, services, 1, 120);
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private Deployment deployment() {
    return client
        .apps()
        .deployments()
        .inNamespace(target.namespace())
        .withName(target.name())
        .get();
  }

  @Test
  void applyWritesEveryObjectWithTheSpec() throws Exception {
    seal(
        id,
        1,
        "{\"API_TOKEN\":\"s3cr3t-value\",\"MODE\":\"prod\"}",
        "{\"username\":\"bot\",\"password\":\"hunter2\"}");
    CustomDomain domain = new CustomDomain(UUID.randomUUID().toString(), "shop.example.com");
    ServiceSpec extra =
        new ServiceSpec(UUID.randomUUID().toString(), "metrics", "NodePort", 9100, 9100, "TCP");

    Applied applied =
        activities(settings)
            .apply(request(spec("ghcr.io/acme/shop:1.2", 2), List.of(domain), List.of(extra)));

    assertThat(applied.generation()).isPositive();
    assertThat(applied.digest()).isNull();
    DeploymentObjects objects = DeploymentManifests.objects(target);
    assertThat(target.namespace()).isEqualTo("shipyard-" + owner);
    assertThat(client.namespaces().withName(target.namespace()).get().getMetadata().getLabels())
        .containsEntry(DeploymentObjects.LABEL_MANAGED_BY, "shipyard");

    Secret env =
        client.secrets().inNamespace(target.namespace()).withName(objects.envSecret(1)).get();
    assertThat(env.getType()).isEqualTo("Opaque");
    assertThat(decode(env.getData().get("API_TOKEN"))).isEqualTo("s3cr3t-value");
    assertThat(decode(env.getData().get("MODE"))).isEqualTo("prod");
    assertThat(env.getMetadata().getLabels()).containsAllEntriesOf(objects.labels());

    Secret registry =
        client.secrets().inNamespace(target.namespace()).withName(objects.registrySecret()).get();
    assertThat(registry.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    JsonNode auths =
        new ObjectMapper().readTree(decode(registry.getData().get(".dockerconfigjson")));
    JsonNode ghcr = auths.path("auths").path("ghcr.io");
    assertThat(ghcr.path("username").asText()).isEqualTo("bot");
    assertThat(decode(ghcr.path("auth").asText())).isEqualTo("bot:hunter2");

    Deployment d = deployment();
    assertThat(d.getMetadata().getLabels()).containsAllEntriesOf(objects.labels());
    assertThat(d.getMetadata().getAnnotations())
        .containsEntry("kubernetes.io/change-cause", "release 1")
        .containsEntry("shipyard.dev/release", "1");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getProgressDeadlineSeconds()).isEqualTo(120);
    assertThat(d.getSpec().getSelector().getMatchLabels()).isEqualTo(objects.selector());
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(objects.labels());
    assertThat(d.getSpec().getTemplate().getSpec().getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly(objects.registrySecret());
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("ghcr.io/acme/shop:1.2");
    assertThat(c.getPorts().get(0).getContainerPort()).isEqualTo(8080);
    assertThat(c.getResources().getRequests())
        .containsEntry("cpu", new Quantity("250m"))
        .containsEntry("memory", new Quantity("256Mi"));
    assertThat(c.getResources().getLimits()).isEqualTo(c.getResources().getRequests());
    for (var probe : List.of(c.getLivenessProbe(), c.getReadinessProbe())) {
      assertThat(probe.getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(8080);
      assertThat(probe.getInitialDelaySeconds()).isEqualTo(5);
      assertThat(probe.getPeriodSeconds()).isEqualTo(10);
      assertThat(probe.getTimeoutSeconds()).isEqualTo(2);
      assertThat(probe.getFailureThreshold()).isEqualTo(3);
    }
    assertThat(c.getEnv())
        .allSatisfy(
            e -> {
              assertThat(e.getValue()).isNull(); // values only in the Secret
              assertThat(e.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo(objects.envSecret(1));
            })
        .extracting(e -> e.getName())
        .containsExactly("API_TOKEN", "MODE");
    assertThat(d.toString()).doesNotContain("s3cr3t-value").doesNotContain("hunter2");

    Service service =
        client.services().inNamespace(target.namespace()).withName(target.name()).get();
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSelector()).isEqualTo(objects.selector());
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
    assertThat(service.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(8080);

    Service metrics = client.services().inNamespace(target.namespace()).withName("metrics").get();
    assertThat(metrics.getSpec().getType()).isEqualTo("NodePort");
    assertThat(metrics.getSpec().getPorts().get(0).getPort()).isEqualTo(9100);
    assertThat(metrics.getSpec().getSelector()).isEqualTo(objects.selector());

    Ingress ingress =
        client
            .network()
            .v1()
            .ingresses()
            .inNamespace(target.namespace())
            .withName(objects.ingress(domain.id()))
            .get();
    assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
    assertThat(ingress.getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/cluster-issuer", "letsencrypt");
    var rule = ingress.getSpec().getRules().get(0);
    assertThat(rule.getHost()).isEqualTo("shop.example.com");
    var path = rule.getHttp().getPaths().get(0);
    assertThat(path.getPath()).isEqualTo("/");
    assertThat(path.getPathType()).isEqualTo("Prefix");
    assertThat(path.getBackend().getService().getName()).isEqualTo(target.name());
    assertThat(path.getBackend().getService().getPort().getNumber()).isEqualTo(8080);
    assertThat(ingress.getSpec().getTls().get(0).getHosts()).containsExactly("shop.example.com");
    assertThat(ingress.getSpec().getTls().get(0).getSecretName())
        .isEqualTo(objects.ingress(domain.id()) + "-tls");
  }

  @Test
  void applyingTheSameRequestTwiceChangesNothing() {
    seal(id, 1, "{\"API_TOKEN\":\"a\",\"MODE\":\"b\"}", "{\"username\":\"u\",\"password\":\"p\"}");
    CustomDomain domain = new CustomDomain(UUID.randomUUID().toString(), "shop.example.com");
    ApplyRequest request = request(spec("nginx:1.27", 2), List.of(domain), List.of());
    DeploymentClusterActivitiesImpl activities = activities(settings);

    Applied first = activities.apply(request);
    Deployment before = deployment();
    Applied second = activities.apply(request);

    assertThat(second.generation()).isEqualTo(first.generation());
    assertThat(deployment().getMetadata().getGeneration())
        .isEqualTo(before.getMetadata().getGeneration());
    assertThat(deployment().getSpec()).isEqualTo(before.getSpec());
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).hasSize(1);
    assertThat(client.services().inNamespace(target.namespace()).list().getItems()).hasSize(1);
    assertThat(client.network().v1().ingresses().inAnyNamespace().list().getItems()).hasSize(1);

    // a real change (a new release with 3 replicas) is a new generation
    Applied third =
        activities.apply(
            new ApplyRequest(target, spec("nginx:1.27", 3), List.of(domain), List.of(), 2, 120));
    assertThat(third.generation()).isGreaterThan(first.generation());
    assertThat(deployment().getMetadata().getAnnotations())
        .containsEntry("shipyard.dev/release", "2");
  }

  @Test
  void docker_hub_credentials_are_keyed_by_docker_io() throws Exception {
    seal(id, 1, "{\"API_TOKEN\":\"a\",\"MODE\":\"b\"}", "{\"username\":\"u\",\"password\":\"p\"}");
    activities(settings).apply(request(spec("acme/shop:1", 1), List.of(), List.of()));
    Secret registry =
        client
            .secrets()
            .inNamespace(target.namespace())
            .withName(DeploymentManifests.objects(target).registrySecret())
            .get();
    JsonNode auths =
        new ObjectMapper()
            .readTree(decode(registry.getData().get(".dockerconfigjson")))
            .path("auths");
    assertThat(auths.has("docker.io")).isTrue();
  }

  @Test
  void domainsAndServicesNoLongerListedAreRemoved() {
    seal(id, 1, "{\"API_TOKEN\":\"a\",\"MODE\":\"b\"}", "{\"username\":\"u\",\"password\":\"p\"}");
    CustomDomain keep = new CustomDomain(UUID.randomUUID().toString(), "a.example.com");
    CustomDomain drop = new CustomDomain(UUID.randomUUID().toString(), "b.example.com");
    ServiceSpec extra =
        new ServiceSpec(UUID.randomUUID().toString(), "grpc", "ClusterIP", 9000, 9000, "TCP");
    DeploymentClusterActivitiesImpl activities = activities(settings);
    activities.apply(request(spec("nginx:1.27", 1), List.of(keep, drop), List.of(extra)));
    assertThat(client.network().v1().ingresses().inNamespace(target.namespace()).list().getItems())
        .hasSize(2);

    activities.apply(
        new ApplyRequest(target, spec("nginx:1.27", 1), List.of(keep), List.of(), null, 120));

    DeploymentObjects objects = DeploymentManifests.objects(target);
    assertThat(client.network().v1().ingresses().inNamespace(target.namespace()).list().getItems())
        .extracting(i -> i.getMetadata().getName())
        .containsExactly(objects.ingress(keep.id()));
    assertThat(client.services().inNamespace(target.namespace()).list().getItems())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly(target.name());
    // no release: the Deployment keeps the annotations of the release it runs
    assertThat(deployment().getMetadata().getAnnotations())
        .containsEntry("shipyard.dev/release", "1");
  }

  @Test
  void observeReportsDriftAfterObjectsAreDeletedOrChanged() {
    seal(id, 1, "{\"API_TOKEN\":\"a\",\"MODE\":\"b\"}", "{\"username\":\"u\",\"password\":\"p\"}");
    CustomDomain domain = new CustomDomain(UUID.randomUUID().toString(), "shop.example.com");
    DeploymentSpec spec = spec("nginx:1.27", 2);
    DeploymentClusterActivitiesImpl activities = activities(settings);
    activities.apply(request(spec, List.of(domain), List.of()));
    ObserveRequest observe = new ObserveRequest(target, spec, List.of(domain), List.of(), true);

    assertThat(activities.observe(observe).drift()).isEmpty();

    client
        .apps()
        .deployments()
        .inNamespace(target.namespace())
        .withName(target.name())
        .edit(
            d -> {
              d.getSpec().setReplicas(5);
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:evil");
              return d;
            });
    client.network().v1().ingresses().inNamespace(target.namespace()).delete();
    ObservedState changed = activities.observe(observe);
    assertThat(changed.drift())
        .anySatisfy(line -> assertThat(line).contains("5 replicas").contains("asks 2"))
        .anySatisfy(line -> assertThat(line).contains("nginx:evil"))
        .anySatisfy(line -> assertThat(line).contains("Ingress").contains("shop.example.com"));

    client.apps().deployments().inNamespace(target.namespace()).withName(target.name()).delete();
    client.services().inNamespace(target.namespace()).withName(target.name()).delete();
    ObservedState gone = activities.observe(observe);
    assertThat(gone.exists()).isFalse();
    assertThat(gone.health()).isEqualTo("absent");
    assertThat(gone.cluster()).isEqualTo("simulated");
    assertThat(gone.drift())
        .anySatisfy(line -> assertThat(line).contains("Deployment").contains("missing"))
        .anySatisfy(line -> assertThat(line).contains("Service").contains("missing"));

    // not applied yet: nothing is missing
    assertThat(
            activities
                .observe(new ObserveRequest(target, spec, List.of(domain), List.of(), false))
                .drift())
        .isEmpty();
  }

  private Pod pod(
      String name,
      String image,
      boolean ready,
      String waitingReason,
      int restarts,
      String imageId,
      String startTime) {
    DeploymentObjects objects = DeploymentManifests.objects(target);
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(target.namespace())
            .withLabels(objects.labels())
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage(image)
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase(ready ? "Running" : "Pending")
            .withStartTime(startTime)
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .addNewContainerStatus()
            .withName("app")
            .withImage(image)
            .withImageID(imageId)
            .withReady(ready)
            .withRestartCount(restarts)
            .withNewState()
            .endState()
            .endContainerStatus()
            .endStatus();
    Pod built = pod.build();
    var state = built.getStatus().getContainerStatuses().get(0).getState();
    if (waitingReason != null) {
      state.setWaiting(
          new io.fabric8.kubernetes.api.model.ContainerStateWaitingBuilder()
              .withReason(waitingReason)
              .withMessage("back-off 10s restarting failed container")
              .build());
    } else {
      state.setRunning(
          new io.fabric8.kubernetes.api.model.ContainerStateRunningBuilder()
              .withStartedAt(startTime)
              .build());
    }
    return client.resource(built).create();
  }

  private void status(
      int replicas,
      int updated,
      int ready,
      int available,
      long generation,
      String progressingReason) {
    client
        .apps()
        .deployments()
        .inNamespace(target.namespace())
        .withName(target.name())
        .editStatus(
            d -> {
              d.setStatus(
                  new DeploymentStatusBuilder()
                      .withObservedGeneration(generation)
                      .withReplicas(replicas)
                      .withUpdatedReplicas(updated)
                      .withReadyReplicas(ready)
                      .withAvailableReplicas(available)
                      .addNewCondition()
                      .withType("Progressing")
                      .withStatus(
                          "ProgressDeadlineExceeded".equals(progressingReason) ? "False" : "True")
                      .withReason(progressingReason)
                      .withMessage("ReplicaSet \"" + target.name() + "-abc\" " + progressingReason)
                      .endCondition()
                      .build());
              return d;
            });
  }

  @Test
  void aHealthyRolloutCompletesWithTheDigestOfItsPods() {
    seal(id, 1, "{\"API_TOKEN\":\"a\",\"MODE\":\"b\"}", "{\"username\":\"u\",\"password\":\"p\"}");
    DeploymentSpec spec = spec("nginx:1.27", 2);
    Applied applied = activities(settings).apply(request(spec, List.of(), List.of()));
    String digest = "sha256:" + "ab".repeat(32);
    pod(
        target.name() + "-abc-1",
        "nginx:1.27",
        true,
        null,
        0,
        "docker-pullable://nginx@" + digest,
        "2026-01-01T10:00:00Z");
    pod(
        target.name() + "-abc-2",
        "nginx:1.27",
        true,
        null,
        1,
        "docker-pullable://nginx@" + digest,
        "2026-01-01T11:00:00Z");
    status(2, 2, 2, 2, applied.generation(), "NewReplicaSetAvailable");

    RolloutResult result =
        rollouts().awaitRollout(new RolloutRequest(target, applied.generation(), 2, 30));

    assertThat(result.complete()).isTrue();
    assertThat(result.digest()).isEqualTo(digest);
    ObservedState observed =
        activities(settings).observe(new ObserveRequest(target, spec, List.of(), List.of(), true));
    assertThat(observed.health()).isEqualTo("healthy");
    assertThat(observed.ready()).isEqualTo(2);
    assertThat(observed.restartCount()).isEqualTo(1);
    assertThat(observed.since()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z").toEpochMilli());
    assertThat(observed.digest()).isEqualTo(digest);
  }

  @Test
  void aCrashLoopingContainerIsTheReason() {
    seal(id, 1, "{\"API_TOKEN\":\"a\",\"MODE\":\"b\"}", "{\"username\":\"u\",\"password\":\"p\"}");
    DeploymentSpec spec = spec("acme/crashloop:1", 1);
    Applied applied = activities(settings).apply(request(spec, List.of(), List.of()));
    pod(
        target.name() + "-abc-1",
        "acme/crashloop:1",
        false,
        "CrashLoopBackOff",
        4,
        null,
        "2026-01-01T10:00:00Z");
    status(1, 1, 0, 0, applied.generation(), "ReplicaSetUpdated");

    ObservedState observed =
        activities(settings).observe(new ObserveRequest(target, spec, List.of(), List.of(), true));
    assertThat(observed.health()).isEqualTo("unhealthy");
    assertThat(observed.reason()).isEqualTo("CrashLoopBackOff");
    assertThat(observed.restartCount()).isEqualTo(4);

    // the deadline passes without the Deployment saying so: the activity's own deadline
    long start = System.nanoTime();
    RolloutResult timedOut =
        rollouts().awaitRollout(new RolloutRequest(target, applied.generation(), 1, 1));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(timedOut.complete()).isFalse();
    assertThat(timedOut.reason()).isEqualTo("ProgressDeadlineExceeded");
    assertThat(timedOut.message()).contains("CrashLoopBackOff");

    // the Deployment says so: at once
    status(1, 1, 0, 0, applied.generation(), "ProgressDeadlineExceeded");
    RolloutResult failed =
        rollouts().awaitRollout(new RolloutRequest(target, applied.generation(), 1, 600));
    assertThat(failed.complete()).isFalse();
    assertThat(failed.reason()).isEqualTo("ProgressDeadlineExceeded");
    assertThat(failed.message()).contains("CrashLoopBackOff");
    assertThat(failed.observed().reason()).isEqualTo("ProgressDeadlineExceeded");
  }

  @Test
  void deleteRemovesEverythingAndThePerUserNamespace() {
    seal(id, 1, "{\"API_TOKEN\":\"a\",\"MODE\":\"b\"}", "{\"username\":\"u\",\"password\":\"p\"}");
    CustomDomain domain = new CustomDomain(UUID.randomUUID().toString(), "shop.example.com");
    DeploymentClusterActivitiesImpl activities = activities(settings);
    activities.apply(request(spec("nginx:1.27", 1), List.of(domain), List.of()));

    // a second deployment of the same user keeps the namespace alive
    String otherId = UUID.randomUUID().toString();
    DeploymentTarget other = target(settings, otherId, "blog");
    seal(
        otherId,
        1,
        "{\"API_TOKEN\":\"a\",\"MODE\":\"b\"}",
        "{\"username\":\"u\",\"password\":\"p\"}");
    activities.apply(new ApplyRequest(other, spec("nginx:1.27", 1), List.of(), List.of(), 1, 60));

    assertThat(activities.delete(target)).isFalse();
    String ns = target.namespace();
    String label = DeploymentObjects.LABEL_DEPLOYMENT;
    assertThat(client.apps().deployments().inNamespace(ns).withLabel(label, id).list().getItems())
        .isEmpty();
    assertThat(client.services().inNamespace(ns).withLabel(label, id).list().getItems()).isEmpty();
    assertThat(client.secrets().inNamespace(ns).withLabel(label, id).list().getItems()).isEmpty();
    assertThat(client.network().v1().ingresses().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).hasSize(1);

    assertThat(activities.delete(other)).isTrue();
    assertThat(client.namespaces().withName(ns).get()).isNull();
    assertThat(activities.delete(other)).isTrue(); // idempotent
  }

  @Test
  void aSharedNamespaceMustExistAndIsNeverDeleted() {
    ClusterSettings shared = settings("apps", null, null);
    target = target(shared, id, "shop");
    assertThat(target.namespace()).isEqualTo("apps");
    seal(id, 1, "{\"API_TOKEN\":\"a\",\"MODE\":\"b\"}", "{\"username\":\"u\",\"password\":\"p\"}");
    DeploymentClusterActivitiesImpl activities = activities(shared);
    ApplyRequest request = request(spec("nginx:1.27", 1), List.of(), List.of());

    assertThatThrownBy(() -> activities.apply(request))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo("CLUSTER_REFUSED");
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage()).contains("apps").contains("does not exist");
            });

    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("apps").endMetadata().build())
        .create();
    activities.apply(request);
    assertThat(deployment()).isNotNull();
    assertThat(activities.delete(target)).isFalse();
    assertThat(client.namespaces().withName("apps").get()).isNotNull();
    assertThat(deployment()).isNull();
  }

  @Test
  void secretsThatDoNotOpenFailWithoutLeakingThem() {
    // sealed for another deployment: the context does not match
    sealed.put(
        id + "/1",
        new DeploymentSecrets.Sealed(
            box.seal("deployment:" + UUID.randomUUID() + ":env:1", "{\"API_TOKEN\":\"leak-me\"}"),
            null));
    assertThatThrownBy(
            () -> activities(settings).apply(request(spec("nginx:1", 1), List.of(), List.of())))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(DeploymentFailure.SECRETS_UNAVAILABLE.type());
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage()).doesNotContain("leak-me");
            });
    assertThat(deployment()).isNull();
  }

  @Test
  void withoutAClusterEveryActivityFailsNonRetryable() {
    ClusterSettings none = new ClusterSettings(null, false, null, null, null, null, null);
    var activities =
        new DeploymentClusterActivitiesImpl(
            new DeploymentCluster(none, null), (d, r) -> null, () -> null, Clock.systemUTC());
    assertThatThrownBy(() -> activities.delete(target))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage()).contains("no Kubernetes cluster configured");
            });
  }

  @Test
  void clusterErrorsAreTypedByStatusCode() {
    assertThat(type(new KubernetesClientException("down", 503, null)))
        .isEqualTo("CLUSTER_UNAVAILABLE");
    assertThat(type(new KubernetesClientException("slow down", 429, null)))
        .isEqualTo("CLUSTER_UNAVAILABLE");
    assertThat(type(new KubernetesClientException("io", new java.io.IOException("refused"))))
        .isEqualTo("CLUSTER_UNAVAILABLE");
    ApplicationFailure refused =
        (ApplicationFailure)
            ClusterFailures.map(
                new KubernetesClientException(
                    new io.fabric8.kubernetes.api.model.StatusBuilder()
                        .withCode(422)
                        .withMessage("Deployment.apps \"x\" is invalid: spec.replicas")
                        .build()));
    assertThat(refused.getType()).isEqualTo("CLUSTER_REFUSED");
    assertThat(refused.isNonRetryable()).isTrue();
    assertThat(refused.getOriginalMessage()).contains("spec.replicas");
    ApplicationFailure terminating =
        (ApplicationFailure)
            ClusterFailures.map(
                new KubernetesClientException(
                    new io.fabric8.kubernetes.api.model.StatusBuilder()
                        .withCode(403)
                        .withMessage(
                            "unable to create new content in namespace x because it is being"
                                + " terminated")
                        .build()));
    assertThat(terminating.getType()).isEqualTo("NAMESPACE_TERMINATING");
    assertThat(terminating.isNonRetryable()).isFalse();
  }

  private static String type(Exception e) {
    ApplicationFailure f = (ApplicationFailure) ClusterFailures.map(e);
    assertThat(f.isNonRetryable()).isFalse();
    return f.getType();
  }
}
