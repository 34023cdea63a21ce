package dev.shipyard.standalone.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.workflows.ShipyardSearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The deployments API through HTTP, the parts that need no running rollout: every validation rule
 * of issue 11 item 10 answered in the family's shape with nothing stored or started, 409 on a
 * duplicate app name, another user's deployment 404, {@code Idempotency-Key}, list pagination and
 * the status filter, secrets sealed at rest, and 503 naming KUBECONFIG_PATH without a cluster.
 */
@ExtendWith(LocalPlatformExtension.class)
class DeploymentsApiTest {

  /** A platform API whose deployments have a cluster and SECRETS_KEYS (see {@link Engine}). */
  static WebTestClient engine(LocalPlatform platform) {
    return Engine.of(platform).client;
  }

  @Test
  void everyValidationRuleAnswersInTheFamilyShapeWithNothingStored(LocalPlatform platform) {
    WebTestClient api = engine(platform);
    Account owner = Accounts.register(api, "deployer");
    List<Object[]> bad =
        List.of(
            new Object[] {
              Map.of("app_name", "Upper", "image", "nginx", "port", 80), 400, "app_name"
            },
            new Object[] {
              Map.of("app_name", "a".repeat(41), "image", "nginx", "port", 80), 400, "app_name"
            },
            new Object[] {
              Map.of("app_name", "-lead", "image", "nginx", "port", 80), 400, "app_name"
            },
            new Object[] {Map.of("image", "nginx", "port", 80), 400, "app_name"},
            new Object[] {Map.of("app_name", "web", "image", "nginx", "port", 0), 400, "port"},
            new Object[] {Map.of("app_name", "web", "image", "nginx", "port", 65536), 400, "port"},
            new Object[] {Map.of("app_name", "web", "image", "nginx", "port", "80"), 400, "port"},
            new Object[] {
              Map.of("app_name", "web", "image", "Nginx/Upper", "port", 80), 422, "image"
            },
            new Object[] {Map.of("app_name", "web", "image", "nginx:", "port", 80), 422, "image"},
            new Object[] {
              Map.of("app_name", "web", "image", "nginx@sha256:12", "port", 80), 422, "image"
            },
            new Object[] {
              Map.of("app_name", "web", "image", "nginx", "port", 80, "replicas", 51),
              400,
              "replicas"
            },
            new Object[] {
              Map.of("app_name", "web", "image", "nginx", "port", 80, "replicas", -1),
              400,
              "replicas"
            },
            new Object[] {
              Map.of(
                  "app_name",
                  "web",
                  "image",
                  "nginx",
                  "port",
                  80,
                  "resources",
                  Map.of("cpu", "lots")),
              400,
              "resources.cpu"
            },
            new Object[] {
              Map.of(
                  "app_name",
                  "web",
                  "image",
                  "nginx",
                  "port",
                  80,
                  "resources",
                  Map.of("memory", "-1Gi")),
              400,
              "resources.memory"
            },
            new Object[] {
              Map.of(
                  "app_name", "web", "image", "nginx", "port", 80, "env_vars", Map.of("1BAD", "x")),
              400,
              "env_vars"
            },
            new Object[] {
              Map.of(
                  "app_name", "web", "image", "nginx", "port", 80, "env_vars", Map.of("A-B", "x")),
              400,
              "env_vars"
            },
            new Object[] {
              Map.of("app_name", "web", "image", "nginx", "port", 80, "env_vars", Map.of("N", 1)),
              400,
              "env_vars.N"
            },
            new Object[] {
              Map.of(
                  "app_name", "web", "image", "nginx", "port", 80, "env_vars", manyVariables(101)),
              400,
              "env_vars"
            },
            new Object[] {
              Map.of(
                  "app_name",
                  "web",
                  "image",
                  "nginx",
                  "port",
                  80,
                  "health_check",
                  Map.of("path", "health")),
              400,
              "health_check.path"
            },
            new Object[] {
              Map.of(
                  "app_name",
                  "web",
                  "image",
                  "nginx",
                  "port",
                  80,
                  "health_check",
                  Map.of("path", "/health", "period_seconds", 0)),
              400,
              "health_check.period_seconds"
            },
            new Object[] {
              Map.of(
                  "app_name",
                  "web",
                  "image",
                  "nginx",
                  "port",
                  80,
                  "registry_auth",
                  Map.of("username", "u")),
              400,
              "registry_auth.password"
            },
            new Object[] {
              Map.of("app_name", "web", "image", "nginx", "port", 80, "extra", 1), 400, "extra"
            });
    for (Object[] c : bad) {
      Map<String, Object> error =
          Json.call(api, HttpMethod.POST, "/v1/deployments", owner.accessToken(), c[0], (int) c[1]);
      assertThat(error).as("%s", c[0]).containsOnlyKeys("error");
      @SuppressWarnings("unchecked")
      Map<String, Object> detail = (Map<String, Object>) error.get("error");
      assertThat(detail).as("%s", c[0]).containsEntry("details", c[2]).containsKey("message");
    }
    // The contracts' family: 422 with {error, message, details}.
    Map<String, Object> contract =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/deployments",
            owner.accessToken(),
            Map.of("name", "Bad_Name", "image", "nginx", "container_port", 8000),
            422);
    assertThat(contract).containsKeys("error", "message", "details");
    Json.call(
        api,
        HttpMethod.POST,
        "/api/deployments",
        owner.accessToken(),
        Map.of("name", "ok", "image", "UPPER", "container_port", 8000),
        422);
    Json.call(
        api,
        HttpMethod.POST,
        "/api/services",
        owner.accessToken(),
        Map.of("name", "svc", "type", "Ingress", "port", 80, "deployment_id", UUID.randomUUID()),
        422);

    JdbcTemplate jdbc = jdbc(platform);
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM deployments WHERE owner_id = ?",
                Long.class,
                UUID.fromString(owner.id())))
        .isZero();
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM workflow_runs WHERE kind = 'deployment' AND owner_id = ?",
                Long.class,
                owner.id()))
        .isZero();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aDeploymentIsStoredSealedStartedAndOnlyItsOwnerSeesIt(LocalPlatform platform) {
    WebTestClient api = engine(platform);
    Account owner = Accounts.register(api, "deployer");
    Account other = Accounts.register(api, "stranger");
    String app = Accounts.unique("web");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("app_name", app);
    body.put("image", "registry.example.test:5000/team/web:1.2.3");
    body.put("port", 8080);
    body.put("env_vars", Map.of("GREETING", "hello-plaintext-value", "MODE", "prod"));
    body.put("replicas", 2);
    body.put("resources", Map.of("cpu", "250m", "memory", "128Mi"));
    body.put("health_check", Map.of("path", "/healthz", "initial_delay_seconds", 1));
    body.put("registry_auth", Map.of("username", "robot", "password", "registry-password-xyz"));
    Map<String, Object> created =
        Json.call(api, HttpMethod.POST, "/v1/deployments", owner.accessToken(), body, 201);
    assertThat(created)
        .containsEntry("app_name", app)
        .containsEntry("status", "pending")
        .containsEntry("url", null);
    // registry.example.test never resolves (RFC 2606): the registry cannot be asked, and the
    // answer says so (DeploymentRegistryTest asks a real one).
    assertThat((String) created.get("message"))
        .startsWith("Deployment is being processed; registry access to")
        .contains("not checked")
        .doesNotContain("registry-password-xyz");
    String id = (String) created.get("id");

    // 409 on the same app name of the same user; another user may use it.
    Json.call(api, HttpMethod.POST, "/v1/deployments", owner.accessToken(), body, 409);
    Map<String, Object> theirs =
        Json.call(api, HttpMethod.POST, "/v1/deployments", other.accessToken(), body, 201);
    assertThat(theirs.get("id")).isNotEqualTo(id);

    // Another user's deployment does not exist for them.
    for (String path : List.of("", "/status", "/domains", "/releases")) {
      Json.call(
          api, HttpMethod.GET, "/v1/deployments/" + id + path, other.accessToken(), null, 404);
    }
    Json.call(
        api,
        HttpMethod.PATCH,
        "/v1/deployments/" + id + "/scale",
        other.accessToken(),
        Map.of("replicas", 3),
        404);
    Json.call(api, HttpMethod.DELETE, "/v1/deployments/" + id, other.accessToken(), null, 404);
    Json.call(api, HttpMethod.GET, "/api/deployments/" + id, other.accessToken(), null, 404);

    Map<String, Object> got =
        Json.call(api, HttpMethod.GET, "/v1/deployments/" + id, owner.accessToken(), null, 200);
    String suffix = platform.apiContext().getBean(ClusterSettings.class).domainSuffix();
    assertThat(got)
        .containsEntry("user_id", owner.id())
        .containsEntry("url", "https://" + app + "." + suffix)
        .containsEntry("port", 8080)
        .containsEntry("replicas", 2)
        .containsEntry("env_vars", Map.of("GREETING", "hello-plaintext-value", "MODE", "prod"))
        .containsEntry("resources", Map.of("cpu", "250m", "memory", "128Mi"))
        .doesNotContainKey("registry_auth");
    assertThat((Map<String, Object>) got.get("health_check"))
        .containsEntry("path", "/healthz")
        .containsEntry("initial_delay_seconds", 1)
        .containsEntry("period_seconds", 10);
    Map<String, Object> contract =
        Json.call(api, HttpMethod.GET, "/api/deployments/" + id, owner.accessToken(), null, 200);
    assertThat(contract)
        .containsEntry("name", app)
        .containsEntry("container_port", 8080)
        .containsEntry("replicas", 2);

    // At rest: sealed, bound to the deployment and revision; the workflow started with no secret.
    JdbcTemplate jdbc = jdbc(platform);
    Map<String, Object> secrets =
        jdbc.queryForMap(
            "SELECT env_sealed, registry_sealed FROM deployment_secrets WHERE deployment_id = ?"
                + " AND revision = 1",
            UUID.fromString(id));
    assertThat(String.valueOf(secrets.get("env_sealed")))
        .startsWith("v1.")
        .doesNotContain("hello-plaintext-value");
    assertThat(String.valueOf(secrets.get("registry_sealed")))
        .doesNotContain("registry-password-xyz");
    SecretBox box = Engine.of(platform).context.getBean(SecretBox.class);
    assertThat(
            box.open("deployment:" + id + ":registry:1", (String) secrets.get("registry_sealed")))
        .contains("robot", "registry-password-xyz");
    assertThat(
            jdbc.queryForObject(
                "SELECT kind || '/' || status || '/' || sequence FROM workflow_runs"
                    + " WHERE workflow_id = ?",
                String.class,
                "deployment-" + id))
        .startsWith("deployment/");
    WorkflowClient temporal = platform.apiContext().getBean(WorkflowClient.class);
    String history =
        temporal.fetchHistory("deployment-" + id).getHistory().getEventsList().toString();
    assertThat(history)
        .contains(app)
        .doesNotContain("hello-plaintext-value")
        .doesNotContain("registry-password-xyz");
    WorkflowStub stub = temporal.newUntypedWorkflowStub("deployment-" + id);
    assertThat(stub.describe().getStaticSummary())
        .isEqualTo(app + " · registry.example.test:5000/team/web:1.2.3 · " + owner.username());
    var attributes = stub.describe().getTypedSearchAttributes();
    assertThat(attributes.get(ShipyardSearchAttributes.KIND)).isEqualTo("deployment");
    assertThat(attributes.get(ShipyardSearchAttributes.OWNER)).isEqualTo(owner.id());
    assertThat(attributes.get(ShipyardSearchAttributes.TENANT)).isEqualTo(owner.tenantId());
  }

  @Test
  void anIdempotencyKeyAnswersTheSameDeploymentForTheSameBodyOnly(LocalPlatform platform) {
    WebTestClient api = engine(platform);
    Account owner = Accounts.register(api, "deployer");
    String key = UUID.randomUUID().toString();
    Map<String, Object> body =
        Map.of("app_name", Accounts.unique("idem"), "image", "nginx:1.27", "port", 80);
    String first = create(api, owner, key, body, 201);
    String again = create(api, owner, key, body, 201);
    assertThat(again).isEqualTo(first);
    Map<String, Object> other =
        Map.of("app_name", Accounts.unique("idem"), "image", "nginx:1.27", "port", 80);
    create(api, owner, key, other, 409);
    assertThat(
            jdbc(platform)
                .queryForObject(
                    "SELECT count(*) FROM deployments WHERE owner_id = ?",
                    Long.class,
                    UUID.fromString(owner.id())))
        .isEqualTo(1L);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theListPaginatesNewestFirstAndFiltersByStatus(LocalPlatform platform) {
    WebTestClient api = engine(platform);
    Account owner = Accounts.register(api, "lister");
    Account other = Accounts.register(api, "lister");
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(
          create(
              api, owner, null, Map.of("app_name", "app-" + i, "image", "nginx", "port", 80), 201));
    }
    create(api, other, null, Map.of("app_name", "app-0", "image", "nginx", "port", 80), 201);
    Map<String, Object> first =
        Json.call(api, HttpMethod.GET, "/v1/deployments?limit=2", owner.accessToken(), null, 200);
    assertThat((Map<String, Object>) first.get("pagination"))
        .containsEntry("page", 1)
        .containsEntry("limit", 2)
        .containsEntry("total", 3)
        .containsEntry("total_pages", 2);
    List<Map<String, Object>> page1 = (List<Map<String, Object>>) first.get("deployments");
    assertThat(page1).extracting(d -> d.get("id")).containsExactly(ids.get(2), ids.get(1));
    Map<String, Object> second =
        Json.call(
            api, HttpMethod.GET, "/v1/deployments?limit=2&page=2", owner.accessToken(), null, 200);
    assertThat((List<Map<String, Object>>) second.get("deployments"))
        .extracting(d -> d.get("id"))
        .containsExactly(ids.get(0));

    // The status is the run's phase (the one status path). A phase no deployment here reaches by
    // itself, far ahead in sequence so the workflow's own projections (sequence-guarded) leave it.
    jdbc(platform)
        .update(
            "UPDATE workflow_runs SET phase = 'stopped', sequence = 1000000000 WHERE workflow_id = ?",
            "deployment-" + ids.get(1));
    Map<String, Object> stopped =
        Json.call(
            api, HttpMethod.GET, "/v1/deployments?status=stopped", owner.accessToken(), null, 200);
    assertThat((List<Map<String, Object>>) stopped.get("deployments"))
        .extracting(d -> d.get("id"))
        .containsExactly(ids.get(1));
    assertThat((Map<String, Object>) stopped.get("pagination")).containsEntry("total", 1);
    Json.call(
        api, HttpMethod.GET, "/v1/deployments?status=sleeping", owner.accessToken(), null, 400);
    Json.call(api, HttpMethod.GET, "/v1/deployments?limit=101", owner.accessToken(), null, 400);
  }

  @Test
  void domainsMustBeHostNamesOutsideThePlatformsSuffix(LocalPlatform platform) {
    WebTestClient api = engine(platform);
    Account owner = Accounts.register(api, "domains");
    String id =
        create(
            api,
            owner,
            null,
            Map.of("app_name", Accounts.unique("dom"), "image", "nginx", "port", 80),
            201);
    String suffix = platform.apiContext().getBean(ClusterSettings.class).domainSuffix();
    for (String bad :
        List.of(
            "not a host", "localhost", "-bad.example.com", "10.0.0.1", "a..b.com", "x." + suffix)) {
      Json.call(
          api,
          HttpMethod.POST,
          "/v1/deployments/" + id + "/domains",
          owner.accessToken(),
          Map.of("domain", bad),
          400);
    }
    assertThat(
            jdbc(platform)
                .queryForObject(
                    "SELECT count(*) FROM deployment_domains WHERE deployment_id = ?",
                    Long.class,
                    UUID.fromString(id)))
        .isZero();
  }

  @Test
  void withoutAClusterDeploymentsAreRefusedNamingKubeconfigPath(LocalPlatform platform) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("SHIPYARD_SIMULATED_CLUSTER_URL", "");
    overrides.put("KUBECONFIG_PATH", "");
    ConfigurableApplicationContext bare = platform.startAnotherApi(overrides);
    WebTestClient api =
        LocalPlatformExtension.client("http://127.0.0.1:" + LocalPlatform.httpPort(bare));
    Account owner = Accounts.register(api, "nocluster");
    Map<String, Object> error =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/deployments",
            owner.accessToken(),
            Map.of("app_name", "web", "image", "nginx", "port", 80),
            503);
    assertThat(error.toString()).contains("KUBECONFIG_PATH");
    bare.close();
  }

  static String create(
      WebTestClient api, Account owner, String key, Map<String, Object> body, int status) {
    WebTestClient.RequestBodySpec spec =
        api.post().uri("/v1/deployments").headers(h -> h.setBearerAuth(owner.accessToken()));
    if (key != null) {
      spec = spec.header("Idempotency-Key", key);
    }
    Map<?, ?> answer =
        spec.contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isEqualTo(status)
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    return answer == null ? null : (String) answer.get("id");
  }

  static Map<String, String> manyVariables(int n) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < n; i++) {
      env.put("V" + i, "x");
    }
    return env;
  }

  static JdbcTemplate jdbc(LocalPlatform platform) {
    return platform.workerContext().getBean(JdbcTemplate.class);
  }

  /**
   * The API instance deployments are tested on: the platform's own when it has a cluster and
   * SECRETS_KEYS (the local platform's simulated cluster), else one more instance of it given a
   * cluster address nothing serves and a test key (enough for everything that needs no rollout).
   */
  static final class Engine {
    private static Engine instance;

    final ConfigurableApplicationContext context;
    final WebTestClient client;

    private Engine(ConfigurableApplicationContext context, WebTestClient client) {
      this.context = context;
      this.client = client;
    }

    static synchronized Engine of(LocalPlatform platform) {
      if (instance == null) {
        ConfigurableApplicationContext api = platform.apiContext();
        boolean ready =
            api.getBean(ClusterSettings.class).mode() != ClusterSettings.Mode.NONE
                && api.getBeanProvider(SecretBox.class).getIfAvailable() != null;
        if (ready) {
          instance = new Engine(api, LocalPlatformExtension.client(platform));
        } else {
          ConfigurableApplicationContext another =
              platform.startAnotherApi(
                  Map.of(
                      "SHIPYARD_SIMULATED_CLUSTER_URL",
                      "http://127.0.0.1:9",
                      "SECRETS_KEYS",
                      SecretBox.newKeyConfig("test")));
          instance =
              new Engine(
                  another,
                  LocalPlatformExtension.client(
                      "http://127.0.0.1:" + LocalPlatform.httpPort(another)));
        }
      }
      return instance;
    }
  }
}
