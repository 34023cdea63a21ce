package dev.shipyard.standalone.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.cluster.ClusterClients;
import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Issue 11's "Must show" for the API, end to end on the simulated cluster: create → the objects
 * with the right spec → running; scale, stop, start, update, rollback and delete each seen in the
 * cluster objects and in the status; a custom domain's Ingress; an impossible transition refused
 * with history and cluster unchanged; a crash-looping image failed with the container's reason and
 * rolled back by digest; a Deployment deleted out of band repaired within one reconcile period. The
 * API instance under test starts workflows with a 2 s reconcile period and an 8 s progress
 * deadline.
 */
@ExtendWith(LocalPlatformExtension.class)
class DeploymentLifecycleTest {

  private static final Duration ROLLOUT = Duration.ofSeconds(60);

  private static ConfigurableApplicationContext engine;
  private static WebTestClient api;
  private static KubernetesClient cluster;

  @BeforeAll
  static void start(LocalPlatform platform) {
    engine =
        platform.startAnotherApi(
            Map.of("DEPLOYMENT_RECONCILE_PERIOD", "2s", "DEPLOYMENT_PROGRESS_DEADLINE", "8s"));
    api = LocalPlatformExtension.client("http://127.0.0.1:" + LocalPlatform.httpPort(engine));
    ClusterSettings settings = engine.getBean(ClusterSettings.class);
    assertThat(settings.mode()).isEqualTo(ClusterSettings.Mode.SIMULATED);
    cluster = ClusterClients.create(settings);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void aDeploymentLivesThroughEveryChangeInTheCluster(LocalPlatform platform) {
    Account owner = Accounts.register(api, "lifecycle");
    String app = Accounts.unique("shop");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("app_name", app);
    body.put("image", "registry.example.test/team/shop:1.0");
    body.put("port", 8080);
    body.put("env_vars", Map.of("GREETING", "hello", "MODE", "prod"));
    body.put("replicas", 2);
    body.put("resources", Map.of("cpu", "250m", "memory", "128Mi"));
    body.put(
        "health_check",
        Map.of(
            "path",
            "/healthz",
            "initial_delay_seconds",
            1,
            "period_seconds",
            5,
            "timeout_seconds",
            2,
            "failure_threshold",
            4));
    body.put("registry_auth", Map.of("username", "robot", "password", "s3cret-pull"));
    String id =
        (String)
            Json.call(api, HttpMethod.POST, "/v1/deployments", owner.accessToken(), body, 201)
                .get("id");
    Map<String, Object> running = awaitStatus(owner, id, "running");
    assertThat(running).containsEntry("replicas", 2).containsEntry("available_replicas", 2);
    assertThat((String) running.get("digest")).startsWith("sha256:");

    // The objects, with the right spec.
    DeploymentObjects objects = objects(platform, id);
    Deployment deployment = deployment(objects);
    assertThat(deployment.getMetadata().getLabels())
        .containsEntry(DeploymentObjects.LABEL_DEPLOYMENT, id)
        .containsEntry(DeploymentObjects.LABEL_OWNER, owner.id());
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("registry.example.test/team/shop:1.0");
    assertThat(container.getPorts().get(0).getContainerPort()).isEqualTo(8080);
    assertThat(container.getResources().getLimits().get("cpu").toString()).isEqualTo("250m");
    assertThat(container.getResources().getRequests().get("memory").toString()).isEqualTo("128Mi");
    for (var probe : List.of(container.getLivenessProbe(), container.getReadinessProbe())) {
      assertThat(probe.getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(8080);
      assertThat(probe.getInitialDelaySeconds()).isEqualTo(1);
      assertThat(probe.getPeriodSeconds()).isEqualTo(5);
      assertThat(probe.getTimeoutSeconds()).isEqualTo(2);
      assertThat(probe.getFailureThreshold()).isEqualTo(4);
    }
    assertThat(deployment.getSpec().getTemplate().getSpec().getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly(objects.registrySecret());
    String envSecret =
        container.getEnv().stream()
            .filter(e -> e.getName().equals("GREETING"))
            .findFirst()
            .orElseThrow()
            .getValueFrom()
            .getSecretKeyRef()
            .getName();
    Secret env = cluster.secrets().inNamespace(objects.namespace()).withName(envSecret).get();
    assertThat(decode(env.getData().get("GREETING"))).isEqualTo("hello");
    assertThat(decode(env.getData().get("MODE"))).isEqualTo("prod");
    Secret pull =
        cluster.secrets().inNamespace(objects.namespace()).withName(objects.registrySecret()).get();
    assertThat(pull.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(decode(pull.getData().get(".dockerconfigjson"))).contains("registry.example.test");

    Map<String, Object> status = status(owner, id);
    assertThat(status)
        .containsEntry("status", "running")
        .containsEntry("health", "healthy")
        .containsEntry("cluster", "simulated")
        .containsEntry("source", "cluster");
    assertThat((Map<String, Object>) status.get("replicas"))
        .containsEntry("desired", 2)
        .containsEntry("ready", 2)
        .containsEntry("available", 2);

    // Scale.
    Map<String, Object> scaled =
        Json.call(
            api,
            HttpMethod.PATCH,
            "/v1/deployments/" + id + "/scale",
            owner.accessToken(),
            Map.of("replicas", 3),
            200);
    assertThat(scaled).containsEntry("replicas", 3);
    assertThat(deployment(objects).getSpec().getReplicas()).isEqualTo(3);
    awaitReady(owner, id, 3);

    // An impossible transition (start a running deployment): 409, history and cluster unchanged.
    WorkflowClient temporal = platform.apiContext().getBean(WorkflowClient.class);
    List<String> updatesBefore = acceptedUpdates(temporal, "deployment-" + id);
    Deployment before = deployment(objects);
    Map<String, Object> refused =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/deployments/" + id + "/start",
            owner.accessToken(),
            null,
            409);
    assertThat(refused.toString()).contains("message");
    assertThat(acceptedUpdates(temporal, "deployment-" + id)).isEqualTo(updatesBefore);
    Deployment after = deployment(objects);
    assertThat(after.getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
    assertThat(after.getSpec()).isEqualTo(before.getSpec());

    // Stop, then start: replicas to 0 and back to 3.
    Map<String, Object> stopped =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/deployments/" + id + "/stop",
            owner.accessToken(),
            null,
            200);
    assertThat(stopped).containsEntry("status", "stopped");
    assertThat(deployment(objects).getSpec().getReplicas()).isZero();
    awaitStatus(owner, id, "stopped");
    Map<String, Object> started =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/deployments/" + id + "/start",
            owner.accessToken(),
            null,
            200);
    assertThat(started).containsEntry("replicas", 3);
    assertThat(deployment(objects).getSpec().getReplicas()).isEqualTo(3);
    awaitStatus(owner, id, "running");

    // Update the image and the environment: a new release, a new env Secret revision.
    Map<String, Object> updated =
        Json.call(
            api,
            HttpMethod.PUT,
            "/v1/deployments/" + id,
            owner.accessToken(),
            Map.of(
                "image",
                "registry.example.test/team/shop:2.0",
                "env_vars",
                Map.of("MODE", "canary")),
            200);
    assertThat(updated.get("release")).isNotNull();
    Deployment v2 = deployment(objects);
    Container c2 = v2.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c2.getImage()).isEqualTo("registry.example.test/team/shop:2.0");
    assertThat(c2.getEnv()).extracting(e -> e.getName()).containsExactly("MODE");
    awaitStatus(owner, id, "running");
    Map<String, Object> got =
        Json.call(api, HttpMethod.GET, "/v1/deployments/" + id, owner.accessToken(), null, 200);
    assertThat(got)
        .containsEntry("image", "registry.example.test/team/shop:2.0")
        .containsEntry("env_vars", Map.of("MODE", "canary"));

    // Releases, newest first; roll back to the first by number: the image pinned to its digest.
    List<Map<String, Object>> releases = releases(owner, id);
    Map<String, Object> first = releases.get(releases.size() - 1);
    assertThat(first).containsEntry("number", 1).containsEntry("change", "create");
    String digest = (String) first.get("digest");
    assertThat(digest).startsWith("sha256:");
    Json.call(
        api,
        HttpMethod.POST,
        "/v1/deployments/" + id + "/rollback",
        owner.accessToken(),
        Map.of("release", 1),
        200);
    assertThat(container(objects).getImage())
        .isEqualTo("registry.example.test/team/shop@" + digest);
    awaitStatus(owner, id, "running");

    // A custom domain: an Ingress with the host (and the TLS annotation when an issuer is set).
    String host = app + ".customer.example.com";
    Map<String, Object> domain =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/deployments/" + id + "/domains",
            owner.accessToken(),
            Map.of("domain", host.toUpperCase()),
            201);
    assertThat(domain).containsEntry("domain", host).containsEntry("deployment_id", id);
    Ingress ingress =
        cluster
            .network()
            .v1()
            .ingresses()
            .inNamespace(objects.namespace())
            .withName(objects.ingress((String) domain.get("id")))
            .get();
    assertThat(ingress).isNotNull();
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo(host);
    assertThat(domain).containsEntry("tls", true);
    assertThat(ingress.getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/cluster-issuer", LocalPlatformExtension.CLUSTER_ISSUER);
    assertThat(ingress.getSpec().getTls().get(0).getHosts()).containsExactly(host);
    // The host belongs to one deployment: another user's deployment cannot take it.
    Account other = Accounts.register(api, "lifecycle");
    String theirs =
        (String)
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/v1/deployments",
                    other.accessToken(),
                    Map.of("app_name", app, "image", "nginx", "port", 80),
                    201)
                .get("id");
    awaitStatus(other, theirs, "running");
    Json.call(
        api,
        HttpMethod.POST,
        "/v1/deployments/" + theirs + "/domains",
        other.accessToken(),
        Map.of("domain", host),
        409);
    Json.call(
        api,
        HttpMethod.DELETE,
        "/v1/deployments/" + id + "/domains/" + domain.get("id"),
        owner.accessToken(),
        null,
        200);
    assertThat(
            cluster
                .network()
                .v1()
                .ingresses()
                .inNamespace(objects.namespace())
                .withName(objects.ingress((String) domain.get("id")))
                .get())
        .isNull();

    // Delete: the objects and the namespace go, the name is free again.
    Map<String, Object> deleted =
        Json.call(api, HttpMethod.DELETE, "/v1/deployments/" + id, owner.accessToken(), null, 200);
    assertThat(deleted).containsEntry("deployment_id", id).containsEntry("app_name", app);
    assertThat(
            cluster
                .apps()
                .deployments()
                .inNamespace(objects.namespace())
                .withName(objects.name())
                .get())
        .isNull();
    Json.call(api, HttpMethod.GET, "/v1/deployments/" + id, owner.accessToken(), null, 404);
    Json.call(api, HttpMethod.DELETE, "/v1/deployments/" + theirs, other.accessToken(), null, 200);
  }

  @Test
  void aCrashLoopingImageFailsWithTheContainersReasonAndRollsBackByDigest(LocalPlatform platform) {
    Account owner = Accounts.register(api, "crash");
    String id =
        (String)
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/v1/deployments",
                    owner.accessToken(),
                    Map.of("app_name", Accounts.unique("crash"), "image", "team/app:1", "port", 80),
                    201)
                .get("id");
    String healthy = (String) awaitStatus(owner, id, "running").get("digest");
    Json.call(
        api,
        HttpMethod.PUT,
        "/v1/deployments/" + id,
        owner.accessToken(),
        Map.of("image", "team/app-crashloop:2"),
        200);
    Map<String, Object> failed = awaitStatus(owner, id, "failed");
    assertThat((String) failed.get("error_message")).contains("CrashLoopBackOff");
    DeploymentObjects objects = objects(platform, id);
    Awaitility.await()
        .atMost(ROLLOUT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> assertThat(container(objects).getImage()).isEqualTo("team/app@" + healthy));
    assertThat(releases(owner, id))
        .extracting(r -> r.get("change"))
        .startsWith("auto-rollback", "update", "create");
  }

  @Test
  void aDeploymentDeletedOutOfBandIsRepairedWithinAReconcilePeriod(LocalPlatform platform) {
    Account owner = Accounts.register(api, "drift");
    String id =
        (String)
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/v1/deployments",
                    owner.accessToken(),
                    Map.of("app_name", Accounts.unique("drift"), "image", "team/app:1", "port", 80),
                    201)
                .get("id");
    awaitStatus(owner, id, "running");
    DeploymentObjects objects = objects(platform, id);
    String uid = deployment(objects).getMetadata().getUid();
    cluster.apps().deployments().inNamespace(objects.namespace()).withName(objects.name()).delete();
    long deletedAt = System.nanoTime();
    JdbcTemplate jdbc = DeploymentsApiTest.jdbc(platform);
    AtomicBoolean reported = new AtomicBoolean();
    AtomicReference<Deployment> again = new AtomicReference<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              String details =
                  jdbc.queryForObject(
                      "SELECT details FROM workflow_runs WHERE workflow_id = ?",
                      String.class,
                      "deployment-" + id);
              if (details != null && details.contains("deleted out of band")) {
                reported.set(true);
              }
              Deployment d =
                  cluster
                      .apps()
                      .deployments()
                      .inNamespace(objects.namespace())
                      .withName(objects.name())
                      .get();
              again.set(d);
              return reported.get() && d != null && !uid.equals(d.getMetadata().getUid());
            });
    Duration took = Duration.ofNanos(System.nanoTime() - deletedAt);
    System.out.println("Out-of-band delete repaired and reported after " + took.toMillis() + " ms");
    // One reconcile period (2 s) plus the observe and apply calls, on a loaded test host.
    assertThat(took).isLessThan(Duration.ofSeconds(10));
    awaitStatus(owner, id, "running");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theContractsApiDrivesTheSameEngineServicesIncluded(LocalPlatform platform) {
    Account owner = Accounts.register(api, "contracts");
    String name = Accounts.unique("todo");
    Map<String, Object> created =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/deployments",
            owner.accessToken(),
            Map.of(
                "name",
                name,
                "replicas",
                2,
                "image",
                "docker.io/todo-app/todo-backend:latest",
                "container_port",
                8000,
                "helm_chart_id",
                "uuid-5678"),
            201);
    assertThat(created)
        .containsEntry("name", name)
        .containsEntry("container_port", 8000)
        .containsEntry("helm_chart_id", "uuid-5678")
        .containsEntry("status", "pending");
    String id = (String) created.get("id");
    awaitStatus(owner, id, "running");
    // The same deployment through the other document.
    Map<String, Object> contract =
        Json.call(api, HttpMethod.GET, "/api/deployments/" + id, owner.accessToken(), null, 200);
    assertThat(contract).containsEntry("status", "running").containsEntry("available_replicas", 2);
    Map<String, Object> scaled =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/deployments/" + id + "/scale",
            owner.accessToken(),
            Map.of("replicas", 4),
            200);
    assertThat(scaled)
        .containsEntry("message", "Deployment scaling to 4 replicas")
        .containsEntry("current_replicas", 2)
        .containsEntry("desired_replicas", 4);
    DeploymentObjects objects = objects(platform, id);
    assertThat(deployment(objects).getSpec().getReplicas()).isEqualTo(4);
    awaitReady(owner, id, 4);

    // A Service tied to it: a row, then the workflow writes it.
    Map<String, Object> service =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/services",
            owner.accessToken(),
            Map.of(
                "name",
                "todo-svc",
                "type",
                "ClusterIP",
                "port",
                80,
                "target_port",
                8000,
                "protocol",
                "TCP",
                "deployment_id",
                id),
            201);
    assertThat(service).containsEntry("status", "active").containsEntry("deployment_id", id);
    String serviceId = (String) service.get("id");
    var svc =
        cluster
            .services()
            .inNamespace(objects.namespace())
            .withName(objects.service("todo-svc"))
            .get();
    assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(svc.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
    assertThat(svc.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(8000);
    assertThat(svc.getSpec().getSelector()).isEqualTo(objects.selector());
    Json.call(
        api,
        HttpMethod.POST,
        "/api/services",
        owner.accessToken(),
        Map.of("name", "todo-svc", "port", 81, "deployment_id", id),
        409);
    Map<String, Object> changed =
        Json.call(
            api,
            HttpMethod.PUT,
            "/api/services/" + serviceId,
            owner.accessToken(),
            Map.of("type", "LoadBalancer"),
            200);
    assertThat(changed).containsEntry("type", "LoadBalancer");
    assertThat(
            cluster
                .services()
                .inNamespace(objects.namespace())
                .withName(objects.service("todo-svc"))
                .get()
                .getSpec()
                .getType())
        .isEqualTo("LoadBalancer");
    assertThat(
            Json.call(
                api, HttpMethod.GET, "/api/services/" + serviceId, owner.accessToken(), null, 200))
        .containsEntry("status", "active")
        .containsEntry("type", "LoadBalancer");
    Account other = Accounts.register(api, "contracts");
    Json.call(api, HttpMethod.GET, "/api/services/" + serviceId, other.accessToken(), null, 404);
    Json.call(api, HttpMethod.DELETE, "/api/services/" + serviceId, owner.accessToken(), null, 200);
    assertThat(
            cluster
                .services()
                .inNamespace(objects.namespace())
                .withName(objects.service("todo-svc"))
                .get())
        .isNull();
    Json.call(api, HttpMethod.GET, "/api/services/" + serviceId, owner.accessToken(), null, 404);

    Map<String, Object> deleted =
        Json.call(api, HttpMethod.DELETE, "/api/deployments/" + id, owner.accessToken(), null, 200);
    assertThat(deleted).containsEntry("message", "Deployment deleted successfully");
    Json.call(api, HttpMethod.GET, "/api/deployments/" + id, owner.accessToken(), null, 404);
  }

  @Test
  @SuppressWarnings("unchecked")
  void whenTheClusterCannotBeReadInTimeTheStatusIsTheLastObservationSaidSo(LocalPlatform platform) {
    Account owner = Accounts.register(api, "impatient");
    String id =
        (String)
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/v1/deployments",
                    owner.accessToken(),
                    Map.of("app_name", Accounts.unique("obs"), "image", "team/app:1", "port", 80),
                    201)
                .get("id");
    awaitStatus(owner, id, "running");
    // An API instance that waits 1 ms for a fresh read answers the workflow's last one.
    ConfigurableApplicationContext impatient =
        platform.startAnotherApi(Map.of("DEPLOYMENT_STATUS_TIMEOUT", "1ms"));
    try {
      WebTestClient client =
          LocalPlatformExtension.client("http://127.0.0.1:" + LocalPlatform.httpPort(impatient));
      AtomicReference<Map<String, Object>> status = new AtomicReference<>();
      Awaitility.await()
          .atMost(ROLLOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                status.set(
                    Json.call(
                        client,
                        HttpMethod.GET,
                        "/v1/deployments/" + id + "/status",
                        owner.accessToken(),
                        null,
                        200));
                return "healthy".equals(status.get().get("health"));
              });
      assertThat(status.get())
          .containsEntry("source", "last_observation")
          .containsEntry("cluster", "simulated")
          .containsEntry("status", "running");
      assertThat((Map<String, Object>) status.get().get("replicas")).containsEntry("ready", 1);
      assertThat(java.time.Instant.parse((String) status.get().get("last_health_check")))
          .isBefore(java.time.Instant.now().plusSeconds(1));
    } finally {
      impatient.close();
    }
  }

  @Test
  void changesRefusedWhileARolloutIsUnderWayLeaveNothingBehind(LocalPlatform platform) {
    Account owner = Accounts.register(api, "busy");
    // A "slow" image becomes ready only after about 3 s in the simulated cluster.
    String id =
        (String)
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/v1/deployments",
                    owner.accessToken(),
                    Map.of(
                        "app_name",
                        Accounts.unique("busy"),
                        "image",
                        "team/slow-app:1",
                        "port",
                        80,
                        "env_vars",
                        Map.of("A", "1")),
                    201)
                .get("id");
    JdbcTemplate jdbc = DeploymentsApiTest.jdbc(platform);
    // New env values are sealed into revision 2 first; the refusal removes it again.
    Map<String, Object> refused =
        Json.call(
            api,
            HttpMethod.PUT,
            "/v1/deployments/" + id,
            owner.accessToken(),
            Map.of("env_vars", Map.of("A", "2")),
            409);
    assertThat(refused.toString()).contains("message");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM deployment_secrets WHERE deployment_id = ?::uuid",
                Long.class,
                id))
        .isEqualTo(1L);
    // A domain is reserved first; the refusal frees it.
    Json.call(
        api,
        HttpMethod.POST,
        "/v1/deployments/" + id + "/domains",
        owner.accessToken(),
        Map.of("domain", Accounts.unique("busy") + ".example.com"),
        409);
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM deployment_domains WHERE deployment_id = ?::uuid",
                Long.class,
                id))
        .isZero();
    awaitStatus(owner, id, "running");
    Json.call(
        api,
        HttpMethod.PUT,
        "/v1/deployments/" + id,
        owner.accessToken(),
        Map.of("env_vars", Map.of("A", "2")),
        200);
    assertThat(
            Json.call(api, HttpMethod.GET, "/v1/deployments/" + id, owner.accessToken(), null, 200))
        .containsEntry("env_vars", Map.of("A", "2"));
  }

  // --- helpers ---

  private static Map<String, Object> awaitStatus(Account owner, String id, String status) {
    return await(owner, id, d -> status.equals(d.get("status")));
  }

  private static void awaitReady(Account owner, String id, int replicas) {
    await(owner, id, d -> Integer.valueOf(replicas).equals(d.get("available_replicas")));
  }

  private static Map<String, Object> await(
      Account owner, String id, Predicate<Map<String, Object>> done) {
    AtomicReference<Map<String, Object>> last = new AtomicReference<>();
    Awaitility.await()
        .atMost(ROLLOUT)
        .pollInterval(Duration.ofMillis(250))
        .alias("deployment " + id)
        .until(
            () -> {
              Map<String, Object> d =
                  Json.call(
                      api, HttpMethod.GET, "/v1/deployments/" + id, owner.accessToken(), null, 200);
              last.set(d);
              return done.test(d);
            });
    return last.get();
  }

  private static Map<String, Object> status(Account owner, String id) {
    return Json.call(
        api, HttpMethod.GET, "/v1/deployments/" + id + "/status", owner.accessToken(), null, 200);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> releases(Account owner, String id) {
    return (List<Map<String, Object>>)
        Json.call(
                api,
                HttpMethod.GET,
                "/v1/deployments/" + id + "/releases?limit=100",
                owner.accessToken(),
                null,
                200)
            .get("releases");
  }

  private static DeploymentObjects objects(LocalPlatform platform, String id) {
    Map<String, Object> row =
        DeploymentsApiTest.jdbc(platform)
            .queryForMap(
                "SELECT owner_id::text AS owner, app_name, namespace, object_name FROM deployments"
                    + " WHERE id = ?::uuid",
                id);
    return new DeploymentObjects(
        id,
        (String) row.get("owner"),
        (String) row.get("app_name"),
        (String) row.get("namespace"),
        (String) row.get("object_name"));
  }

  private static Deployment deployment(DeploymentObjects objects) {
    return cluster
        .apps()
        .deployments()
        .inNamespace(objects.namespace())
        .withName(objects.name())
        .get();
  }

  private static Container container(DeploymentObjects objects) {
    return deployment(objects).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** The names of the updates the workflow accepted, in order (a refused one leaves none). */
  private static List<String> acceptedUpdates(WorkflowClient temporal, String workflowId) {
    return temporal.fetchHistory(workflowId).getHistory().getEventsList().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .map(HistoryEvent::getWorkflowExecutionUpdateAcceptedEventAttributes)
        .map(a -> a.getAcceptedRequest().getInput().getName())
        .toList();
  }
}
