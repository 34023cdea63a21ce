package dev.shipyard.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Lints and renders the chart under helm/shipyard with the real helm (bundled by helm-java) and
 * checks the manifests that matter: images, probes, ports, config and secret wiring, HPAs.
 */
class ShipyardChartTest {

  /** Maven runs tests with the module directory (helm/) as the working directory. */
  private static final Path CHART = Path.of("shipyard");

  private static final String RELEASE = "demo";
  private static final String API = RELEASE + "-shipyard-api";
  private static final String WORKER = RELEASE + "-shipyard-worker";
  private static final String CONFIG_MAP = RELEASE + "-shipyard-config";
  private static final String FULLNAME = RELEASE + "-shipyard";

  /** Env var names that carry secrets: they must only ever come from a secretKeyRef. */
  private static final Pattern SECRET_ENV = Pattern.compile(".*(PASSWORD|SECRET|_KEY|_KEYS)$");

  /** The deployments feature's env in both pods, present only with a cluster. */
  private static final List<String> CLUSTER_ENV =
      List.of(
          "KUBERNETES_NAMESPACE",
          "DOMAIN_SUFFIX",
          "INGRESS_CLASS_NAME",
          "CERT_MANAGER_CLUSTER_ISSUER");

  /** The deployments feature's env of the api alone. */
  private static final List<String> API_DEPLOYMENT_ENV =
      List.of(
          "DEPLOYMENT_PROGRESS_DEADLINE",
          "DEPLOYMENT_RECONCILE_PERIOD",
          "DEPLOYMENT_AUTO_ROLLBACK");

  /** The verbs on the objects of an app (label-selected deletes are collection deletes). */
  private static final String[] READ_WRITE = {
    "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"
  };

  /** Every rule of the deployment Role / ClusterRole but the namespaces one, in the order given. */
  private static final List<Map<String, Object>> DEPLOYMENT_RULES =
      List.of(
          rule("apps", "deployments", READ_WRITE),
          rule("", "services", READ_WRITE),
          rule("", "secrets", READ_WRITE),
          rule("networking.k8s.io", "ingresses", READ_WRITE),
          rule("", "pods", "get", "list", "watch"),
          rule("", "pods/log", "get"),
          rule("", "events", "get", "list", "watch"),
          rule("metrics.k8s.io", "pods", "get", "list"));

  private static final List<String> COMMON_CONFIG_KEYS =
      List.of(
          "TEMPORAL_ADDRESS",
          "TEMPORAL_NAMESPACE",
          "DATABASE_URL",
          "DATABASE_USERNAME",
          "S3_ENDPOINT",
          "S3_REGION",
          "S3_BUCKET",
          "S3_PATH_STYLE",
          "OUTBOUND_ALLOWED");

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = new Helm(CHART).lint().strict().call();

    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
  }

  @Test
  void defaultValuesRenderBothDeploymentsWithProbesPortsAndResources() {
    Manifests manifests = render(Map.of());

    Map<String, Object> api = container(manifests.get("Deployment", API));
    assertThat(api.get("image")).isEqualTo("shipyard-api:0.1.0");
    assertThat(containerPort(api, "http")).isEqualTo(8080);
    assertProbe(api, "readinessProbe", "/api/health/ready");
    assertProbe(api, "livenessProbe", "/api/health/live");
    assertProbe(api, "startupProbe", "/api/health/live");
    assertThat(at(api, "resources", "requests", "cpu")).isEqualTo("250m");
    assertThat(at(api, "resources", "requests", "memory")).isEqualTo("512Mi");
    assertThat(at(api, "resources", "limits", "memory")).isEqualTo("1Gi");

    Map<String, Object> worker = container(manifests.get("Deployment", WORKER));
    assertThat(worker.get("image")).isEqualTo("shipyard-worker:0.1.0");
    assertThat(containerPort(worker, "http")).isEqualTo(8081);
    assertProbe(worker, "readinessProbe", "/actuator/health/readiness");
    assertProbe(worker, "livenessProbe", "/actuator/health/liveness");
    assertProbe(worker, "startupProbe", "/actuator/health/liveness");
    assertThat(at(worker, "resources", "requests", "cpu")).isEqualTo("500m");
    assertThat(at(worker, "resources", "requests", "memory")).isEqualTo("768Mi");
    assertThat(at(worker, "resources", "limits", "memory")).isEqualTo("1536Mi");

    for (String name : List.of(API, WORKER)) {
      Map<String, Object> deployment = manifests.get("Deployment", name);
      assertThat(at(deployment, "spec", "replicas")).isEqualTo(2);
      assertThat(at(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"))
          .isEqualTo(true);
      assertThat(at(container(deployment), "securityContext", "readOnlyRootFilesystem"))
          .isEqualTo(true);
      assertThat(mapAt(deployment, "spec", "template", "metadata", "labels"))
          .containsEntry("app.kubernetes.io/instance", RELEASE)
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsKey("helm.sh/chart");
    }
    assertThat(manifests.ofKind("HorizontalPodAutoscaler")).isEmpty();
    assertThat(manifests.ofKind("ServiceAccount")).isEmpty();
  }

  @Test
  void servicesExposeTheApiOnPort80AndTheWorkerMetricsOn8081() {
    Manifests manifests = render(Map.of());

    Map<String, Object> apiService = manifests.get("Service", API);
    Map<String, Object> apiPort = onlyPort(apiService);
    assertThat(apiPort.get("port")).isEqualTo(80);
    assertThat(apiPort.get("targetPort")).isEqualTo("http");
    assertThat(mapAt(apiService, "spec", "selector"))
        .containsEntry("app.kubernetes.io/component", "api");

    Map<String, Object> workerService = manifests.get("Service", WORKER);
    Map<String, Object> workerPort = onlyPort(workerService);
    assertThat(workerPort.get("name")).isEqualTo("metrics");
    assertThat(workerPort.get("port")).isEqualTo(8081);
    assertThat(workerPort.get("targetPort")).isEqualTo("http");

    // Each Service selects exactly its own component's pods.
    for (String name : List.of(API, WORKER)) {
      Map<String, Object> selector = mapAt(manifests.get("Service", name), "spec", "selector");
      Map<String, Object> podLabels =
          mapAt(manifests.get("Deployment", name), "spec", "template", "metadata", "labels");
      assertThat(podLabels).containsAllEntriesOf(selector);
    }
  }

  @Test
  void metricsAreServedOnTheApisManagementPortOffThePublicService() {
    Manifests manifests = render(Map.of());
    Map<String, Object> apiDeployment = manifests.get("Deployment", API);
    Map<String, Object> api = container(apiDeployment);
    assertThat(containerPort(api, "management")).isEqualTo(8090);
    assertThat(env(apiDeployment).get("MANAGEMENT_PORT")).containsEntry("value", "8090");
    assertThat(mapAt(apiDeployment, "spec", "template", "metadata", "annotations"))
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/path", "/actuator/prometheus")
        .containsEntry("prometheus.io/port", "8090");
    // The public Service carries only the public port; metrics have a Service of their own.
    assertThat(onlyPort(manifests.get("Service", API)).get("targetPort")).isEqualTo("http");
    Map<String, Object> metrics = manifests.get("Service", API + "-metrics");
    Map<String, Object> metricsPort = onlyPort(metrics);
    assertThat(metricsPort.get("name")).isEqualTo("metrics");
    assertThat(metricsPort.get("port")).isEqualTo(8090);
    assertThat(metricsPort.get("targetPort")).isEqualTo("management");
    assertThat(at(metrics, "spec", "type")).isEqualTo("ClusterIP");
    assertThat(manifests.ofKind("ServiceMonitor")).isEmpty();

    Map<String, Object> values = new LinkedHashMap<>();
    values.put("api.managementPort", 9400);
    values.put("metrics.serviceMonitor.enabled", true);
    values.put("metrics.serviceMonitor.labels.release", "kube-prometheus");
    Manifests monitored = render(values);
    Map<String, Object> moved = monitored.get("Deployment", API);
    assertThat(containerPort(container(moved), "management")).isEqualTo(9400);
    assertThat(mapAt(moved, "spec", "template", "metadata", "annotations"))
        .containsEntry("prometheus.io/port", "9400");
    Map<String, Object> monitor = monitored.get("ServiceMonitor", FULLNAME);
    assertThat(mapAt(monitor, "metadata", "labels")).containsEntry("release", "kube-prometheus");
    List<Map<String, Object>> endpoints = listAt(mapAt(monitor, "spec"), "endpoints");
    assertThat(endpoints).hasSize(1);
    assertThat(endpoints.get(0))
        .containsEntry("port", "metrics")
        .containsEntry("path", "/actuator/prometheus");
    // The monitor selects exactly the two metrics Services.
    Map<String, Object> selector = mapAt(monitor, "spec", "selector", "matchLabels");
    List<String> selected = new ArrayList<>();
    for (Map<String, Object> service : monitored.ofKind("Service")) {
      if (mapAt(service, "metadata", "labels").entrySet().containsAll(selector.entrySet())) {
        selected.add((String) mapAt(service, "metadata").get("name"));
      }
    }
    assertThat(selected).containsExactlyInAnyOrder(API + "-metrics", WORKER);
  }

  @Test
  void configComesFromTheConfigMapAndSecretsFromExistingSecrets() {
    Manifests manifests = render(Map.of());
    Map<String, Object> configData = mapAt(manifests.get("ConfigMap", CONFIG_MAP), "data");
    Map<String, Map<String, Object>> api = env(manifests.get("Deployment", API));
    Map<String, Map<String, Object>> worker = env(manifests.get("Deployment", WORKER));

    for (Map<String, Map<String, Object>> env : List.of(api, worker)) {
      for (String key : COMMON_CONFIG_KEYS) {
        assertFromConfigMap(env, key);
      }
      assertFromSecret(env, "DATABASE_PASSWORD", "shipyard-database", "password");
      assertFromSecret(env, "S3_ACCESS_KEY", "shipyard-s3", "access-key");
      assertFromSecret(env, "S3_SECRET_KEY", "shipyard-s3", "secret-key");
    }
    assertThat(api.get("PORT")).containsEntry("value", "8080");
    assertFromConfigMap(api, "CORS_ORIGINS");
    assertFromConfigMap(api, "MAX_REQUEST_BODY");
    assertFromSecret(api, "JWT_SECRET", "shipyard-jwt", "jwt-secret");
    assertThat(api).doesNotContainKeys("REDIS_URL", "WORKER_MAX_CONCURRENT_ACTIVITIES");

    assertThat(worker.get("PORT")).containsEntry("value", "8081");
    assertFromConfigMap(worker, "WORKER_MAX_CONCURRENT_ACTIVITIES");
    assertFromConfigMap(worker, "WORKER_MAX_CONCURRENT_WORKFLOW_TASKS");
    assertFromConfigMap(worker, "WORKER_CPU_MAX_CONCURRENT_ACTIVITIES");
    assertThat(worker).doesNotContainKeys("JWT_SECRET", "CORS_ORIGINS", "REDIS_URL");

    assertThat(configData)
        .containsEntry("TEMPORAL_NAMESPACE", "default")
        .containsEntry("S3_BUCKET", "shipyard")
        .containsEntry("S3_PATH_STYLE", "false")
        .containsEntry("WORKER_MAX_CONCURRENT_ACTIVITIES", "100")
        .containsEntry("WORKER_CPU_MAX_CONCURRENT_ACTIVITIES", "0");
    // Every configMapKeyRef points at a key the ConfigMap really has (no typo'd key names).
    for (Map<String, Map<String, Object>> env : List.of(api, worker)) {
      env.values().stream()
          .map(entry -> mapAt(entry, "valueFrom", "configMapKeyRef"))
          .filter(ref -> ref != null)
          .forEach(
              ref -> {
                assertThat(ref.get("name")).isEqualTo(CONFIG_MAP);
                assertThat(configData).containsKey((String) ref.get("key"));
              });
    }
  }

  @Test
  void overriddenValuesChangeImagesSecretsAndAddAutoscalers() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("api.image.repository", "registry.example.com/shipyard-api");
    values.put("api.image.tag", "1.2.3");
    values.put("worker.image.tag", "1.2.4");
    values.put("worker.image.pullPolicy", "Always");
    values.put("api.autoscaling.enabled", true);
    values.put("api.autoscaling.maxReplicas", 9);
    values.put("worker.autoscaling.enabled", true);
    values.put("worker.autoscaling.targetMemoryUtilizationPercentage", 80);
    values.put("database.existingSecret", "prod-db");
    values.put("database.passwordKey", "pg-password");
    values.put("s3.existingSecret", "prod-s3");
    values.put("api.jwt.existingSecret", "prod-jwt");
    values.put("redis.existingSecret", "prod-redis");
    values.put("redis.url", "redis://ignored-because-a-secret-is-set:6379");
    values.put("temporal.address", "temporal.example.internal:7233");
    values.put("serviceAccount.create", true);
    Manifests manifests = render(values);

    Map<String, Object> apiDeployment = manifests.get("Deployment", API);
    Map<String, Object> workerDeployment = manifests.get("Deployment", WORKER);
    assertThat(container(apiDeployment).get("image"))
        .isEqualTo("registry.example.com/shipyard-api:1.2.3");
    assertThat(container(workerDeployment).get("image")).isEqualTo("shipyard-worker:1.2.4");
    assertThat(container(workerDeployment).get("imagePullPolicy")).isEqualTo("Always");

    // With an HPA, the Deployment must not fight it over the replica count.
    assertThat(mapAt(apiDeployment, "spec")).doesNotContainKey("replicas");
    assertThat(mapAt(workerDeployment, "spec")).doesNotContainKey("replicas");
    Map<String, Object> apiHpa = manifests.get("HorizontalPodAutoscaler", API);
    assertThat(apiHpa.get("apiVersion")).isEqualTo("autoscaling/v2");
    assertThat(at(apiHpa, "spec", "scaleTargetRef", "name")).isEqualTo(API);
    assertThat(at(apiHpa, "spec", "maxReplicas")).isEqualTo(9);
    assertThat(at(apiHpa, "spec", "metrics", 0, "resource", "name")).isEqualTo("cpu");
    Map<String, Object> workerHpa = manifests.get("HorizontalPodAutoscaler", WORKER);
    assertThat(at(workerHpa, "spec", "scaleTargetRef", "name")).isEqualTo(WORKER);
    assertThat(listAt(workerHpa, "spec", "metrics")).hasSize(2);
    assertThat(at(workerHpa, "spec", "metrics", 1, "resource", "target", "averageUtilization"))
        .isEqualTo(80);

    Map<String, Map<String, Object>> apiEnv = env(apiDeployment);
    assertFromSecret(apiEnv, "DATABASE_PASSWORD", "prod-db", "pg-password");
    assertFromSecret(apiEnv, "S3_SECRET_KEY", "prod-s3", "secret-key");
    assertFromSecret(apiEnv, "JWT_SECRET", "prod-jwt", "jwt-secret");
    assertFromSecret(apiEnv, "REDIS_URL", "prod-redis", "redis-url");
    assertFromSecret(env(workerDeployment), "DATABASE_PASSWORD", "prod-db", "pg-password");
    Map<String, Object> configData = mapAt(manifests.get("ConfigMap", CONFIG_MAP), "data");
    assertThat(configData)
        .containsEntry("TEMPORAL_ADDRESS", "temporal.example.internal:7233")
        .doesNotContainKey("REDIS_URL");

    assertThat(manifests.get("ServiceAccount", RELEASE + "-shipyard")).isNotNull();
    assertThat(at(apiDeployment, "spec", "template", "spec", "serviceAccountName"))
        .isEqualTo(RELEASE + "-shipyard");
  }

  @Test
  void redisUrlWithoutCredentialsGoesThroughTheConfigMap() {
    Manifests manifests = render(Map.of("redis.url", "redis://redis:6379"));

    assertThat(at(manifests.get("ConfigMap", CONFIG_MAP), "data", "REDIS_URL"))
        .isEqualTo("redis://redis:6379");
    assertFromConfigMap(env(manifests.get("Deployment", API)), "REDIS_URL");
    assertThat(env(manifests.get("Deployment", WORKER))).doesNotContainKey("REDIS_URL");
  }

  @Test
  void firstAdminAndSmtpComeFromExistingSecretsOnlyWhenConfigured() {
    Map<String, Map<String, Object>> none = env(render(Map.of()).get("Deployment", API));
    assertThat(none)
        .doesNotContainKeys(
            "SHIPYARD_ADMIN_EMAIL", "SHIPYARD_ADMIN_PASSWORD", "SMTP_HOST", "SMTP_PASSWORD");

    Map<String, Map<String, Object>> env =
        env(
            render(
                    Map.of(
                        "api.firstAdmin.existingSecret", "shipyard-admin",
                        "api.smtp.host", "smtp.example.com",
                        "api.smtp.existingSecret", "shipyard-smtp"))
                .get("Deployment", API));
    assertFromSecret(env, "SHIPYARD_ADMIN_EMAIL", "shipyard-admin", "email");
    assertFromSecret(env, "SHIPYARD_ADMIN_PASSWORD", "shipyard-admin", "password");
    assertFromSecret(env, "SMTP_USERNAME", "shipyard-smtp", "username");
    assertFromSecret(env, "SMTP_PASSWORD", "shipyard-smtp", "password");
    assertThat(env.get("SMTP_HOST")).containsEntry("value", "smtp.example.com");
    assertThat(env.get("SMTP_PORT")).containsEntry("value", "587");
  }

  @Test
  void workerPollsOnlyTheTaskQueuesItIsGiven() {
    Map<String, Map<String, Object>> env =
        env(render(Map.of("worker.taskQueues", "shipyard-cpu")).get("Deployment", WORKER));
    assertThat(env.get("WORKER_TASK_QUEUES")).containsEntry("value", "shipyard-cpu");
    assertThat(env(render(Map.of()).get("Deployment", WORKER)))
        .doesNotContainKey("WORKER_TASK_QUEUES");
  }

  @Test
  void workerPoolsAreDeploymentsOfTheirOwnPerTaskQueue() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("worker.taskQueues", "shipyard-platform,shipyard-capsules");
    values.put("worker.pools[0].name", "cpu");
    values.put("worker.pools[0].taskQueues", "shipyard-cpu");
    values.put("worker.pools[0].replicaCount", 4);
    values.put("worker.pools[0].resources.requests.cpu", "1500m");
    values.put("worker.pools[1].name", "burst");
    values.put("worker.pools[1].taskQueues", "shipyard-cpu");
    values.put("worker.pools[1].autoscaling.enabled", true);
    values.put("worker.pools[1].autoscaling.maxReplicas", 9);
    Manifests manifests = render(values);

    Map<String, Object> main = manifests.get("Deployment", WORKER);
    Map<String, Object> cpu = manifests.get("Deployment", WORKER + "-cpu");
    assertThat(env(main).get("WORKER_TASK_QUEUES"))
        .containsEntry("value", "shipyard-platform,shipyard-capsules");
    assertThat(env(cpu).get("WORKER_TASK_QUEUES")).containsEntry("value", "shipyard-cpu");
    assertThat(at(cpu, "spec", "replicas")).isEqualTo(4);
    assertThat(at(container(cpu), "resources", "requests", "cpu")).isEqualTo("1500m");
    // Everything else comes from the worker values: image, probes, settings, secrets.
    assertThat(container(cpu).get("image")).isEqualTo(container(main).get("image"));
    assertProbe(container(cpu), "readinessProbe", "/actuator/health/readiness");
    assertFromConfigMap(env(cpu), "WORKER_CPU_MAX_CONCURRENT_ACTIVITIES");
    // Selectors must not overlap, or two Deployments would fight over the same pods.
    assertThat(at(cpu, "spec", "selector", "matchLabels", "app.kubernetes.io/component"))
        .isEqualTo("worker-cpu");
    assertThat(at(main, "spec", "selector", "matchLabels", "app.kubernetes.io/component"))
        .isEqualTo("worker");
    // An autoscaled pool has no fixed replica count and an HPA of its own; the others none.
    Map<String, Object> burst = manifests.get("Deployment", WORKER + "-burst");
    assertThat(mapAt(burst, "spec")).doesNotContainKey("replicas");
    Map<String, Object> hpa = manifests.get("HorizontalPodAutoscaler", WORKER + "-burst");
    assertThat(at(hpa, "spec", "scaleTargetRef", "name")).isEqualTo(WORKER + "-burst");
    assertThat(at(hpa, "spec", "maxReplicas")).isEqualTo(9);
    assertThat(manifests.ofKind("HorizontalPodAutoscaler")).hasSize(1);
    assertThat(manifests.ofKind("Deployment")).hasSize(4); // api, worker and two pools
  }

  @Test
  void workerGetsTheLlmKeyAndWebhookSecretByReference() {
    Map<String, Map<String, Object>> env =
        env(
            render(
                    Map.of(
                        "worker.codegen.engine", "llm",
                        "worker.codegen.llm.baseUrl", "https://api.openai.com/v1",
                        "worker.codegen.llm.existingSecret", "shipyard-llm",
                        "worker.webhooks.existingSecret", "shipyard-webhooks"))
                .get("Deployment", WORKER));
    assertThat(env.get("CODEGEN_ENGINE")).containsEntry("value", "llm");
    assertThat(env.get("LLM_BASE_URL")).containsEntry("value", "https://api.openai.com/v1");
    assertFromSecret(env, "LLM_API_KEY", "shipyard-llm", "api-key");
    assertFromSecret(env, "WEBHOOK_SIGNING_SECRET", "shipyard-webhooks", "signing-secret");
    assertThat(env(render(Map.of()).get("Deployment", WORKER)))
        .doesNotContainKeys("LLM_BASE_URL", "LLM_API_KEY", "WEBHOOK_SIGNING_SECRET");
  }

  @Test
  void emptyS3SecretLeavesCredentialsToTheSdkDefaultChain() {
    Manifests manifests = render(Map.of("s3.existingSecret", ""));

    for (String name : List.of(API, WORKER)) {
      assertThat(env(manifests.get("Deployment", name)))
          .doesNotContainKeys("S3_ACCESS_KEY", "S3_SECRET_KEY")
          .containsKey("DATABASE_PASSWORD");
    }
  }

  @Test
  void noPlainSecretValueEverReachesTheManifests() {
    // Values a user might wrongly try: the chart has no such values and must not render them.
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("database.password", "plain-db-password-4711");
    values.put("s3.secretKey", "plain-s3-secret-4711");
    values.put("api.jwt.secret", "plain-jwt-secret-4711-0123456789abcdef");
    values.put("redis.password", "plain-redis-password-4711");
    values.put("redis.url", "redis://redis:6379");
    values.put("api.autoscaling.enabled", true);
    values.put("serviceAccount.create", true);
    values.put("secrets.keys", "k1:plain-secrets-keys-4711");
    values.put("secrets.value", "k1:plain-secrets-keys-4711");
    values.put("secrets.existingSecret", "shipyard-secrets-keys");
    values.put("deployments.cluster", "inCluster");
    values.put("deployments.domainSuffix", "apps.example.com");
    values.put("deployments.kubeconfig.content", "plain-kubeconfig-token-4711");
    values.put("deployments.webhookSecret", "plain-webhook-secret-4711");
    values.put("worker.pools[0].name", "deploy");
    values.put("worker.pools[0].taskQueues", "shipyard-deployments");
    String rendered = template(values).call();
    Manifests manifests = Manifests.parse(rendered);
    List<String> checked = new ArrayList<>();

    assertThat(rendered).doesNotContain("4711");
    assertThat(manifests.ofKind("Secret")).isEmpty();
    for (String name : List.of(API, WORKER, WORKER + "-deploy")) {
      env(manifests.get("Deployment", name))
          .forEach(
              (envName, entry) -> {
                if (SECRET_ENV.matcher(envName).matches()) {
                  checked.add(envName);
                  assertThat(entry).as(envName).doesNotContainKey("value");
                  assertThat(at(entry, "valueFrom", "secretKeyRef")).as(envName).isNotNull();
                }
              });
    }
    // The pattern really looked at the secrets, old and new.
    assertThat(checked).contains("DATABASE_PASSWORD", "JWT_SECRET", "SECRETS_KEYS");
    Map<String, Object> configData = mapAt(manifests.get("ConfigMap", CONFIG_MAP), "data");
    assertThat(configData).containsKey("DOMAIN_SUFFIX");
    assertThat(configData.keySet()).noneMatch(key -> SECRET_ENV.matcher(key).matches());
  }

  @Test
  void renderingFailsWithoutTheRequiredSecretReferences() {
    assertThatThrownBy(() -> render(Map.of("database.existingSecret", "")))
        .hasMessageContaining("database.existingSecret is required");
    assertThatThrownBy(() -> render(Map.of("api.jwt.existingSecret", "")))
        .hasMessageContaining("api.jwt.existingSecret is required");
  }

  @Test
  void localBuildsByDefaultRenderNoRbacNoNetworkPolicyAndNoBuildSandboxEnv() {
    Manifests manifests = render(Map.of());

    assertThat(manifests.ofKind("Role")).isEmpty();
    assertThat(manifests.ofKind("RoleBinding")).isEmpty();
    assertThat(manifests.ofKind("NetworkPolicy")).isEmpty();
    Map<String, Object> worker = manifests.get("Deployment", WORKER);
    assertThat(env(worker).keySet()).noneMatch(name -> name.startsWith("BUILD_"));
    assertThat(env(worker).keySet()).noneMatch(name -> name.startsWith("ANALYSIS_"));
    assertThat(listAt(worker, "spec", "template", "spec", "volumes"))
        .noneMatch(volume -> volume.toString().contains("persistentVolumeClaim"));
    assertThat(at(worker, "spec", "template", "spec", "automountServiceAccountToken"))
        .isEqualTo(false);
  }

  @Test
  void localBuildSettingsArePassedOnOnlyWhenSet() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("worker.builds.memoryMb", 4096);
    values.put("worker.builds.stepTimeout", "20m");
    values.put("worker.builds.mavenMirror", "https://nexus.example.com/maven");
    values.put("worker.builds.npmRegistry", "https://nexus.example.com/npm/");
    values.put("worker.builds.pipIndexUrl", "https://nexus.example.com/pypi/simple");
    values.put("worker.builds.readOnlyPaths", "/opt/jdk");
    values.put("worker.builds.cpuLimit", "4");
    values.put("worker.analysis.eslint", "/usr/local/bin/eslint");
    Map<String, Map<String, Object>> env = env(render(values).get("Deployment", WORKER));

    assertThat(env.get("BUILD_MEMORY_MB")).containsEntry("value", "4096");
    assertThat(env.get("BUILD_STEP_TIMEOUT")).containsEntry("value", "20m");
    assertThat(env.get("BUILD_MAVEN_MIRROR"))
        .containsEntry("value", "https://nexus.example.com/maven");
    assertThat(env.get("BUILD_NPM_REGISTRY"))
        .containsEntry("value", "https://nexus.example.com/npm/");
    assertThat(env.get("BUILD_PIP_INDEX_URL"))
        .containsEntry("value", "https://nexus.example.com/pypi/simple");
    assertThat(env.get("BUILD_READ_ONLY_PATHS")).containsEntry("value", "/opt/jdk");
    assertThat(env.get("ANALYSIS_ESLINT")).containsEntry("value", "/usr/local/bin/eslint");
    // Kubernetes-only settings stay out of a local worker.
    assertThat(env)
        .doesNotContainKeys(
            "BUILD_SANDBOX",
            "BUILD_CPU_LIMIT",
            "BUILD_NAMESPACE",
            "BUILD_WORKSPACE_CLAIM",
            "BUILD_WORKSPACE_ROOT",
            "BUILD_IMAGE_JAVA_MAVEN",
            "ANALYSIS_PATH");
  }

  @Test
  void kubernetesBuildsRenderRbacNetworkPolicyWorkspaceVolumeAndEnv() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("worker.builds.sandbox", "kubernetes");
    values.put("worker.builds.workspaceClaim", "build-workspaces");
    values.put("worker.builds.cpuLimit", "3");
    values.put("worker.builds.images.python", "registry.example.com/python:3.12");
    values.put("serviceAccount.create", true);
    Manifests manifests = Manifests.parse(template(values).withNamespace("ship").call());
    String builds = FULLNAME + "-builds";

    // Without builds.namespace everything lands in the release namespace, like the rest.
    Map<String, Object> role = manifests.get("Role", builds);
    assertThat(mapAt(role, "metadata")).doesNotContainKey("namespace");
    List<Map<String, Object>> rules = listAt(role, "rules");
    assertThat(rules)
        .containsExactlyInAnyOrder(
            Map.of(
                "apiGroups", List.of("batch"),
                "resources", List.of("jobs"),
                "verbs", List.of("create", "get", "list", "watch", "delete")),
            Map.of(
                "apiGroups", List.of(""),
                "resources", List.of("pods"),
                "verbs", List.of("get", "list", "watch")),
            Map.of(
                "apiGroups",
                List.of(""),
                "resources",
                List.of("pods/log"),
                "verbs",
                List.of("get")));

    Map<String, Object> binding = manifests.get("RoleBinding", builds);
    assertThat(mapAt(binding, "metadata")).doesNotContainKey("namespace");
    assertThat(mapAt(binding, "roleRef"))
        .containsEntry("kind", "Role")
        .containsEntry("name", builds)
        .containsEntry("apiGroup", "rbac.authorization.k8s.io");
    assertThat(listAt(binding, "subjects"))
        .containsExactly(Map.of("kind", "ServiceAccount", "name", FULLNAME, "namespace", "ship"));
    Map<String, Object> deployment = manifests.get("Deployment", WORKER);
    assertThat(at(deployment, "spec", "template", "spec", "serviceAccountName"))
        .isEqualTo(FULLNAME);
    assertThat(at(deployment, "spec", "template", "spec", "automountServiceAccountToken"))
        .isEqualTo(true);

    Map<String, Object> policy = manifests.get("NetworkPolicy", FULLNAME + "-builds-no-egress");
    assertThat(mapAt(policy, "metadata")).doesNotContainKey("namespace");
    assertThat(mapAt(policy, "spec", "podSelector", "matchLabels"))
        .containsExactly(Map.entry("shipyard.dev/network", "none"));
    assertThat(listAt(policy, "spec", "policyTypes")).containsExactly("Egress");
    // Present and empty: no egress rule at all (absent would also deny, but say it explicitly).
    assertThat(listAt(policy, "spec", "egress")).isEmpty();

    List<Map<String, Object>> volumes = listAt(deployment, "spec", "template", "spec", "volumes");
    Map<String, Object> volume =
        volumes.stream()
            .filter(v -> v.containsKey("persistentVolumeClaim"))
            .findFirst()
            .orElseThrow();
    assertThat(at(volume, "persistentVolumeClaim", "claimName")).isEqualTo("build-workspaces");
    List<Map<String, Object>> mounts = listAt(container(deployment), "volumeMounts");
    assertThat(mounts)
        .contains(Map.of("name", volume.get("name"), "mountPath", "/var/lib/shipyard/workspaces"));

    Map<String, Map<String, Object>> env = env(deployment);
    assertThat(env.get("BUILD_SANDBOX")).containsEntry("value", "kubernetes");
    // The pod's own namespace, which is the release namespace however the chart is applied.
    assertThat(at(env.get("BUILD_NAMESPACE"), "valueFrom", "fieldRef", "fieldPath"))
        .isEqualTo("metadata.namespace");
    assertThat(env.get("BUILD_WORKSPACE_CLAIM")).containsEntry("value", "build-workspaces");
    assertThat(env.get("BUILD_WORKSPACE_ROOT"))
        .containsEntry("value", "/var/lib/shipyard/workspaces");
    assertThat(env.get("BUILD_CPU_LIMIT")).containsEntry("value", "3");
    assertThat(env.get("BUILD_IMAGE_PYTHON"))
        .containsEntry("value", "registry.example.com/python:3.12");
    // Unset values keep the worker's defaults.
    assertThat(env).doesNotContainKeys("BUILD_IMAGE_NODE", "BUILD_MEMORY_MB", "BUILD_MAVEN_MIRROR");
  }

  @Test
  void kubernetesBuildsHonourAnOtherNamespaceAndWorkspaceRoot() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("worker.builds.sandbox", "kubernetes");
    values.put("worker.builds.workspaceClaim", "ws");
    values.put("worker.builds.namespace", "shipyard-builds");
    values.put("worker.builds.workspaceRoot", "/data/ws");
    Manifests manifests = render(values);

    assertThat(at(manifests.get("Role", FULLNAME + "-builds"), "metadata", "namespace"))
        .isEqualTo("shipyard-builds");
    Map<String, Object> binding = manifests.get("RoleBinding", FULLNAME + "-builds");
    assertThat(at(binding, "metadata", "namespace")).isEqualTo("shipyard-builds");
    // Without a ServiceAccount of its own the worker runs as the namespace's default one.
    assertThat(at(binding, "subjects", 0, "name")).isEqualTo("default");
    assertThat(at(binding, "subjects", 0, "namespace")).isEqualTo("default");
    assertThat(
            at(
                manifests.get("NetworkPolicy", FULLNAME + "-builds-no-egress"),
                "metadata",
                "namespace"))
        .isEqualTo("shipyard-builds");
    Map<String, Map<String, Object>> env = env(manifests.get("Deployment", WORKER));
    assertThat(env.get("BUILD_NAMESPACE")).containsEntry("value", "shipyard-builds");
    assertThat(env.get("BUILD_WORKSPACE_ROOT")).containsEntry("value", "/data/ws");
    List<Map<String, Object>> mounts =
        listAt(container(manifests.get("Deployment", WORKER)), "volumeMounts");
    assertThat(mounts)
        .anySatisfy(mount -> assertThat(mount).containsEntry("mountPath", "/data/ws"));
  }

  @Test
  void theNoEgressNetworkPolicyCanBeLeftOut() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("worker.builds.sandbox", "kubernetes");
    values.put("worker.builds.workspaceClaim", "ws");
    values.put("worker.builds.networkPolicy.enabled", false);
    Manifests manifests = render(values);
    assertThat(manifests.ofKind("NetworkPolicy")).isEmpty();
    assertThat(manifests.ofKind("Role")).hasSize(1);
  }

  @Test
  void kubernetesBuildsReachWorkerPoolsToo() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("worker.builds.sandbox", "kubernetes");
    values.put("worker.builds.workspaceClaim", "ws");
    values.put("worker.pools[0].name", "cpu");
    values.put("worker.pools[0].taskQueues", "shipyard-cpu");
    Map<String, Map<String, Object>> env = env(render(values).get("Deployment", WORKER + "-cpu"));
    assertThat(env.get("BUILD_SANDBOX")).containsEntry("value", "kubernetes");
    assertThat(env.get("BUILD_WORKSPACE_CLAIM")).containsEntry("value", "ws");
  }

  @Test
  void kubernetesBuildsFailToRenderWithoutAWorkspaceClaimOrWithAnUnknownSandbox() {
    assertThatThrownBy(() -> render(Map.of("worker.builds.sandbox", "kubernetes")))
        .hasMessageContaining("worker.builds.workspaceClaim is required");
    assertThatThrownBy(() -> render(Map.of("worker.builds.sandbox", "docker")))
        .hasMessageContaining("worker.builds.sandbox must be local or kubernetes");
  }

  @Test
  void kubernetesBuildsLintCleanInStrictMode(@TempDir Path dir) throws IOException {
    assertLintsCleanWith(
        dir,
        values ->
            values
                .replace("    sandbox: local\n", "    sandbox: kubernetes\n")
                .replace("    workspaceClaim: \"\"\n", "    workspaceClaim: build-workspaces\n"),
        "sandbox: kubernetes",
        "workspaceClaim: build-workspaces");
  }

  // ---- deployments: the cluster users' apps run on ---------------------------------------------

  @Test
  void noClusterByDefaultRendersNoDeploymentRbacNoClusterEnvAndNoToken() {
    Manifests manifests = render(Map.of());

    for (String kind : List.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")) {
      assertThat(manifests.ofKind(kind)).as(kind).isEmpty();
    }
    Map<String, Object> configData = mapAt(manifests.get("ConfigMap", CONFIG_MAP), "data");
    for (String name : List.of(API, WORKER)) {
      Map<String, Object> deployment = manifests.get("Deployment", name);
      assertThat(env(deployment))
          .as(name)
          .doesNotContainKeys(CLUSTER_ENV.toArray(String[]::new))
          .doesNotContainKeys(API_DEPLOYMENT_ENV.toArray(String[]::new))
          .doesNotContainKeys(
              "KUBECONFIG_PATH", "KUBERNETES_IN_CLUSTER", "WEBHOOK_URL", "SECRETS_KEYS");
      assertThat(at(deployment, "spec", "template", "spec", "automountServiceAccountToken"))
          .as(name)
          .isEqualTo(false);
      List<Map<String, Object>> volumes = listAt(deployment, "spec", "template", "spec", "volumes");
      assertThat(volumes).as(name).noneMatch(volume -> volume.containsKey("secret"));
    }
    assertThat(configData)
        .doesNotContainKeys(CLUSTER_ENV.toArray(String[]::new))
        .doesNotContainKeys("KUBERNETES_IN_CLUSTER", "WEBHOOK_URL", "DEPLOYMENT_AUTO_ROLLBACK");
  }

  @Test
  void secretsKeysComeOnlyFromTheExistingSecretInBothPods() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("secrets.existingSecret", "shipyard-secrets-keys");
    values.put("secrets.key", "keys");
    Manifests manifests = render(values);

    for (String name : List.of(API, WORKER)) {
      assertFromSecret(
          env(manifests.get("Deployment", name)), "SECRETS_KEYS", "shipyard-secrets-keys", "keys");
    }
    assertThat(mapAt(manifests.get("ConfigMap", CONFIG_MAP), "data"))
        .doesNotContainKey("SECRETS_KEYS");
  }

  @Test
  void inClusterWithPerUserNamespacesGetsAClusterRoleBoundToTheChartsServiceAccount() {
    Map<String, Object> values = inCluster();
    values.put("deployments.ingressClassName", "nginx");
    values.put("deployments.clusterIssuer", "letsencrypt");
    values.put("deployments.progressDeadline", "5m");
    values.put("deployments.autoRollback", false);
    values.put("deployments.webhookUrl", "https://hooks.example.com/shipyard");
    values.put("secrets.existingSecret", "shipyard-secrets-keys");
    Manifests manifests = Manifests.parse(template(values).withNamespace("ship").call());
    // Cluster-scoped: the name carries the release's namespace, so two releases never collide.
    String name = FULLNAME + "-ship-deployments";

    Map<String, Object> role = manifests.get("ClusterRole", name);
    assertThat(mapAt(role, "metadata")).doesNotContainKey("namespace");
    List<Map<String, Object>> expected = new ArrayList<>();
    expected.add(rule("", "namespaces", "get", "list", "create", "delete"));
    expected.addAll(DEPLOYMENT_RULES);
    assertThat(listAt(role, "rules")).containsExactlyElementsOf(expected);

    Map<String, Object> binding = manifests.get("ClusterRoleBinding", name);
    assertThat(mapAt(binding, "roleRef"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", name));
    assertThat(listAt(binding, "subjects"))
        .containsExactly(Map.of("kind", "ServiceAccount", "name", FULLNAME, "namespace", "ship"));
    assertThat(manifests.get("ServiceAccount", FULLNAME)).isNotNull();
    assertThat(manifests.ofKind("Role")).isEmpty();
    assertThat(manifests.ofKind("RoleBinding")).isEmpty();

    Map<String, Object> configData = mapAt(manifests.get("ConfigMap", CONFIG_MAP), "data");
    assertThat(configData)
        .containsEntry("KUBERNETES_IN_CLUSTER", "true")
        .containsEntry("KUBERNETES_NAMESPACE", "")
        .containsEntry("DOMAIN_SUFFIX", "apps.example.com")
        .containsEntry("INGRESS_CLASS_NAME", "nginx")
        .containsEntry("CERT_MANAGER_CLUSTER_ISSUER", "letsencrypt")
        .containsEntry("DEPLOYMENT_PROGRESS_DEADLINE", "5m")
        .containsEntry("DEPLOYMENT_RECONCILE_PERIOD", "30s")
        .containsEntry("DEPLOYMENT_AUTO_ROLLBACK", "false")
        .containsEntry("WEBHOOK_URL", "https://hooks.example.com/shipyard");

    for (String deploymentName : List.of(API, WORKER)) {
      Map<String, Object> deployment = manifests.get("Deployment", deploymentName);
      // The pods run as the bound ServiceAccount and mount its token.
      assertThat(at(deployment, "spec", "template", "spec", "serviceAccountName"))
          .isEqualTo(FULLNAME);
      assertThat(at(deployment, "spec", "template", "spec", "automountServiceAccountToken"))
          .as(deploymentName)
          .isEqualTo(true);
      Map<String, Map<String, Object>> env = env(deployment);
      assertFromConfigMap(env, "KUBERNETES_IN_CLUSTER");
      CLUSTER_ENV.forEach(key -> assertFromConfigMap(env, key));
      assertFromSecret(env, "SECRETS_KEYS", "shipyard-secrets-keys", "secrets-keys");
      assertThat(env).doesNotContainKey("KUBECONFIG_PATH");
    }
    Map<String, Map<String, Object>> api = env(manifests.get("Deployment", API));
    API_DEPLOYMENT_ENV.forEach(key -> assertFromConfigMap(api, key));
    assertThat(api).doesNotContainKey("WEBHOOK_URL");
    Map<String, Map<String, Object>> worker = env(manifests.get("Deployment", WORKER));
    assertFromConfigMap(worker, "WEBHOOK_URL");
    assertThat(worker).doesNotContainKeys(API_DEPLOYMENT_ENV.toArray(String[]::new));
  }

  @Test
  void inClusterWithASharedNamespaceGetsARoleThereAndNoRightsOnOtherNamespaces() {
    Map<String, Object> values = inCluster();
    values.put("deployments.namespace", "apps");
    Manifests manifests = Manifests.parse(template(values).withNamespace("ship").call());
    String name = FULLNAME + "-deployments";

    Map<String, Object> role = manifests.get("Role", name);
    assertThat(at(role, "metadata", "namespace")).isEqualTo("apps");
    // Of namespaces, only reading its own (the worker checks it exists and is not terminating).
    List<Map<String, Object>> expected = new ArrayList<>();
    expected.add(
        Map.of(
            "apiGroups", List.of(""),
            "resources", List.of("namespaces"),
            "resourceNames", List.of("apps"),
            "verbs", List.of("get")));
    expected.addAll(DEPLOYMENT_RULES);
    assertThat(listAt(role, "rules")).containsExactlyElementsOf(expected);
    Map<String, Object> binding = manifests.get("RoleBinding", name);
    assertThat(at(binding, "metadata", "namespace")).isEqualTo("apps");
    assertThat(mapAt(binding, "roleRef")).containsEntry("kind", "Role").containsEntry("name", name);
    // The ServiceAccount lives with the pods, not in the apps' namespace.
    assertThat(listAt(binding, "subjects"))
        .containsExactly(Map.of("kind", "ServiceAccount", "name", FULLNAME, "namespace", "ship"));
    assertThat(manifests.ofKind("ClusterRole")).isEmpty();
    assertThat(manifests.ofKind("ClusterRoleBinding")).isEmpty();
    assertThat(at(manifests.get("ConfigMap", CONFIG_MAP), "data", "KUBERNETES_NAMESPACE"))
        .isEqualTo("apps");
  }

  @Test
  void inClusterRbacCanBeLeftToTheOperatorAndReachesWorkerPools() {
    Map<String, Object> values = inCluster();
    values.put("deployments.rbac.create", false);
    values.put("serviceAccount.create", false);
    values.put("serviceAccount.name", "shipyard-deployer");
    values.put("worker.pools[0].name", "deploy");
    values.put("worker.pools[0].taskQueues", "shipyard-deployments");
    Manifests manifests = render(values);

    for (String kind : List.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")) {
      assertThat(manifests.ofKind(kind)).as(kind).isEmpty();
    }
    Map<String, Object> pool = manifests.get("Deployment", WORKER + "-deploy");
    assertThat(at(pool, "spec", "template", "spec", "serviceAccountName"))
        .isEqualTo("shipyard-deployer");
    assertThat(at(pool, "spec", "template", "spec", "automountServiceAccountToken"))
        .isEqualTo(true);
    assertFromConfigMap(env(pool), "KUBERNETES_IN_CLUSTER");
    assertFromConfigMap(env(pool), "WEBHOOK_URL");
  }

  @Test
  void kubeconfigIsMountedReadOnlyAsTheFileKubeconfigPathNamesInEveryPod() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("deployments.cluster", "kubeconfig");
    values.put("deployments.kubeconfig.existingSecret", "prod-kubeconfig");
    values.put("deployments.kubeconfig.key", "admin.conf");
    values.put("deployments.domainSuffix", "apps.example.com");
    values.put("worker.pools[0].name", "deploy");
    values.put("worker.pools[0].taskQueues", "shipyard-deployments");
    Manifests manifests = render(values);

    for (String name : List.of(API, WORKER, WORKER + "-deploy")) {
      Map<String, Object> deployment = manifests.get("Deployment", name);
      List<Map<String, Object>> volumes = listAt(deployment, "spec", "template", "spec", "volumes");
      Map<String, Object> volume =
          volumes.stream().filter(v -> v.containsKey("secret")).findFirst().orElseThrow();
      assertThat(at(volume, "secret", "secretName")).isEqualTo("prod-kubeconfig");
      assertThat(listAt(volume, "secret", "items"))
          .containsExactly(Map.of("key", "admin.conf", "path", "config"));
      assertThat(at(volume, "secret", "defaultMode")).isEqualTo(0440);
      List<Map<String, Object>> mounts = listAt(container(deployment), "volumeMounts");
      Map<String, Object> mount =
          mounts.stream()
              .filter(m -> volume.get("name").equals(m.get("name")))
              .findFirst()
              .orElseThrow();
      assertThat(mount).containsEntry("readOnly", true);
      // KUBECONFIG_PATH is the Secret's item inside that mount.
      Map<String, Map<String, Object>> env = env(deployment);
      assertThat(env.get("KUBECONFIG_PATH"))
          .containsEntry("value", mount.get("mountPath") + "/config");
      assertThat(env).doesNotContainKey("KUBERNETES_IN_CLUSTER");
      CLUSTER_ENV.forEach(key -> assertFromConfigMap(env, key));
      // The kubeconfig's identity brings its own rights: no token, no RBAC.
      assertThat(at(deployment, "spec", "template", "spec", "automountServiceAccountToken"))
          .as(name)
          .isEqualTo(false);
    }
    for (String kind : List.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")) {
      assertThat(manifests.ofKind(kind)).as(kind).isEmpty();
    }
    assertThat(mapAt(manifests.get("ConfigMap", CONFIG_MAP), "data"))
        .doesNotContainKeys("KUBERNETES_IN_CLUSTER", "KUBECONFIG_PATH");
  }

  @Test
  void deploymentSettingsThatCannotWorkFailToRenderWithTheReason() {
    Map<String, Object> kubeconfig = new LinkedHashMap<>();
    kubeconfig.put("deployments.cluster", "kubeconfig");
    kubeconfig.put("deployments.domainSuffix", "apps.example.com");
    assertThatThrownBy(() -> render(kubeconfig))
        .hasMessageContaining("deployments.kubeconfig.existingSecret is required");

    Map<String, Object> noSuffix = inCluster();
    noSuffix.remove("deployments.domainSuffix");
    assertThatThrownBy(() -> render(noSuffix))
        .hasMessageContaining("deployments.domainSuffix is required");

    Map<String, Object> defaultAccount = inCluster();
    defaultAccount.put("serviceAccount.create", false);
    assertThatThrownBy(() -> render(defaultAccount))
        .hasMessageContaining("set serviceAccount.create=true");

    assertThatThrownBy(() -> render(Map.of("deployments.cluster", "minikube")))
        .hasMessageContaining("deployments.cluster must be none, inCluster or kubeconfig");
  }

  @Test
  void inClusterDeploymentsLintCleanInStrictMode(@TempDir Path dir) throws IOException {
    assertLintsCleanWith(
        dir,
        values -> {
          String edited =
              values
                  .replace("  cluster: none\n", "  cluster: inCluster\n")
                  .replace("  domainSuffix: \"\"\n", "  domainSuffix: apps.example.com\n")
                  .replace("\n  create: false\n", "\n  create: true\n");
          return replaceAfter(
              edited,
              "\nsecrets:\n",
              "  existingSecret: \"\"\n",
              "  existingSecret: shipyard-secrets-keys\n");
        },
        "cluster: inCluster",
        "domainSuffix: apps.example.com",
        "existingSecret: shipyard-secrets-keys");
  }

  @Test
  void kubeconfigDeploymentsLintCleanInStrictMode(@TempDir Path dir) throws IOException {
    assertLintsCleanWith(
        dir,
        values ->
            replaceAfter(
                values
                    .replace("  cluster: none\n", "  cluster: kubeconfig\n")
                    .replace("  domainSuffix: \"\"\n", "  domainSuffix: apps.example.com\n"),
                "\n  kubeconfig:\n",
                "    existingSecret: \"\"\n",
                "    existingSecret: shipyard-kubeconfig\n"),
        "cluster: kubeconfig",
        "existingSecret: shipyard-kubeconfig");
  }

  @Test
  void notesNameTheDeploymentSecretsAndTheCluster() {
    assertThat(notes(Map.of()))
        .contains("no cluster (deployments.cluster=none), the API refuses them with 503")
        .doesNotContain("SECRETS_KEYS");

    Map<String, Object> values = new LinkedHashMap<>();
    values.put("deployments.cluster", "kubeconfig");
    values.put("deployments.kubeconfig.existingSecret", "prod-kubeconfig");
    values.put("deployments.domainSuffix", "apps.example.com");
    assertThat(notes(values))
        .contains("prod-kubeconfig (key \"kubeconfig\"): kubeconfig")
        .contains("a namespace per user, URLs https://<app>.apps.example.com")
        .contains("WARNING: secrets.existingSecret is not set");

    Map<String, Object> shared = inCluster();
    shared.put("deployments.namespace", "apps");
    shared.put("secrets.existingSecret", "shipyard-secrets-keys");
    assertThat(notes(shared))
        .contains("shipyard-secrets-keys (key \"secrets-keys\"): SECRETS_KEYS")
        .contains("cluster \"inCluster\", namespace \"apps\" (it must exist)")
        .doesNotContain("WARNING");
  }

  /** The NOTES.txt helm prints after an install (a client-only dry run: no cluster needed). */
  private static String notes(Map<String, Object> values) {
    InstallCommand command =
        new Helm(CHART).install().withName(RELEASE).withNamespace("ship").clientOnly().dryRun();
    values.forEach(command::set);
    String output = command.call().getOutput();
    assertThat(output).contains("NOTES:");
    return output.substring(output.indexOf("NOTES:"));
  }

  /** In-cluster deployments with per-user namespaces and a ServiceAccount of the chart's own. */
  private static Map<String, Object> inCluster() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("deployments.cluster", "inCluster");
    values.put("deployments.domainSuffix", "apps.example.com");
    values.put("serviceAccount.create", true);
    return values;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /**
   * Lints, strictly, a copy of the chart whose values.yaml is {@code edit}ed (helm lint takes no
   * --set here); {@code expected} are lines the edit must have produced.
   */
  private static void assertLintsCleanWith(Path dir, UnaryOperator<String> edit, String... expected)
      throws IOException {
    Path chart = dir.resolve("shipyard");
    try (Stream<Path> files = Files.walk(CHART)) {
      for (Path file : files.toList()) {
        Path target = chart.resolve(CHART.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    Path valuesFile = chart.resolve("values.yaml");
    String edited = edit.apply(Files.readString(valuesFile));
    assertThat(edited).contains(expected);
    Files.writeString(valuesFile, edited);

    LintResult result = new Helm(chart).lint().strict().call();

    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
  }

  /** {@code text} with the first {@code target} after {@code marker} replaced. */
  private static String replaceAfter(String text, String marker, String target, String with) {
    int at = text.indexOf(target, text.indexOf(marker));
    assertThat(text.indexOf(marker)).as(marker).isNotNegative();
    assertThat(at).as(target + " after " + marker).isNotNegative();
    return text.substring(0, at) + with + text.substring(at + target.length());
  }

  /** An RBAC rule as rendered: one API group, one resource, the verbs in order. */
  private static Map<String, Object> rule(String group, String resource, String... verbs) {
    return Map.of(
        "apiGroups", List.of(group), "resources", List.of(resource), "verbs", List.of(verbs));
  }

  private static TemplateCommand template(Map<String, Object> values) {
    TemplateCommand command = new Helm(CHART).template().withName(RELEASE);
    values.forEach(command::set);
    return command;
  }

  private static Manifests render(Map<String, Object> values) {
    return Manifests.parse(template(values).call());
  }

  private static void assertProbe(Map<String, Object> container, String probe, String path) {
    assertThat(at(container, probe, "httpGet", "path")).as(probe).isEqualTo(path);
    // Probes use the named container port, so check that it resolves.
    assertThat(containerPort(container, (String) at(container, probe, "httpGet", "port")))
        .as(probe + " port")
        .isNotNull();
  }

  private static void assertFromConfigMap(Map<String, Map<String, Object>> env, String name) {
    assertThat(env).as("env %s", name).containsKey(name);
    Map<String, Object> ref = mapAt(env.get(name), "valueFrom", "configMapKeyRef");
    assertThat(ref).as("configMapKeyRef of %s", name).isNotNull();
    assertThat(ref).containsEntry("name", CONFIG_MAP).containsEntry("key", name);
  }

  private static void assertFromSecret(
      Map<String, Map<String, Object>> env, String name, String secret, String key) {
    assertThat(env).as("env %s", name).containsKey(name);
    assertThat(env.get(name)).as("env %s", name).doesNotContainKey("value");
    Map<String, Object> ref = mapAt(env.get(name), "valueFrom", "secretKeyRef");
    assertThat(ref).as("secretKeyRef of %s", name).isNotNull();
    assertThat(ref).containsEntry("name", secret).containsEntry("key", key);
  }

  private static Map<String, Object> container(Map<String, Object> deployment) {
    List<Map<String, Object>> containers =
        listAt(deployment, "spec", "template", "spec", "containers");
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static Integer containerPort(Map<String, Object> container, String portName) {
    List<Map<String, Object>> ports = listAt(container, "ports");
    return ports.stream()
        .filter(port -> portName.equals(port.get("name")))
        .map(port -> (Integer) port.get("containerPort"))
        .findFirst()
        .orElse(null);
  }

  private static Map<String, Object> onlyPort(Map<String, Object> service) {
    List<Map<String, Object>> ports = listAt(service, "spec", "ports");
    assertThat(ports).hasSize(1);
    return ports.get(0);
  }

  /** The container's env entries by name (names must be unique). */
  private static Map<String, Map<String, Object>> env(Map<String, Object> deployment) {
    List<Map<String, Object>> entries = listAt(container(deployment), "env");
    Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
    for (Map<String, Object> entry : entries) {
      assertThat(byName.put((String) entry.get("name"), entry))
          .as("duplicate env %s", entry.get("name"))
          .isNull();
    }
    return byName;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapAt(Object node, Object... path) {
    return (Map<String, Object>) at(node, path);
  }

  @SuppressWarnings("unchecked")
  private static <E> List<E> listAt(Object node, Object... path) {
    return (List<E>) at(node, path);
  }

  /** Walks maps (by String key) and lists (by int index); null when a step is missing. */
  private static Object at(Object node, Object... path) {
    Object current = node;
    for (Object step : path) {
      if (current instanceof Map<?, ?> map) {
        current = map.get(step);
      } else if (current instanceof List<?> list && step instanceof Integer index) {
        current = index < list.size() ? list.get(index) : null;
      } else {
        return null;
      }
    }
    return current;
  }

  /** The documents of a rendered chart. */
  private record Manifests(List<Map<String, Object>> documents) {

    @SuppressWarnings("unchecked")
    static Manifests parse(String rendered) {
      List<Map<String, Object>> documents = new ArrayList<>();
      for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(rendered)) {
        if (document != null) {
          documents.add((Map<String, Object>) document);
        }
      }
      return new Manifests(documents);
    }

    List<Map<String, Object>> ofKind(String kind) {
      return documents.stream().filter(document -> kind.equals(document.get("kind"))).toList();
    }

    Map<String, Object> get(String kind, String name) {
      List<Map<String, Object>> matches =
          ofKind(kind).stream()
              .filter(document -> name.equals(at(document, "metadata", "name")))
              .toList();
      assertThat(matches).as("%s %s", kind, name).hasSize(1);
      return matches.get(0);
    }
  }
}
