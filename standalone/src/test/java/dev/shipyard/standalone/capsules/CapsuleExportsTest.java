package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.TestWorkers;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.FileManifest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code GET /capsule/{id}/export/{helm,terraform,docker}} on a generated capsule, through HTTP,
 * each export checked by its users' tool: strict {@code helm lint} and {@code helm template}, an
 * HCL parser, {@code docker-compose config -q}. A second version with another Dockerfile exports
 * what that version runs.
 */
@ExtendWith(LocalPlatformExtension.class)
class CapsuleExportsTest {

  private static final Map<String, Object> FASTAPI =
      Map.of(
          "description",
          "Create a FastAPI microservice for user management",
          "requirements",
          "Must include authentication, CRUD operations, and Docker deployment",
          "constraints",
          Map.of("language", "python", "framework", "fastapi", "database", "postgresql"),
          "metadata",
          Map.of("target_score", 0.9, "save_to_disk", false));

  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void helmTerraformAndDockerExportsPassTheirTools(WebTestClient api, LocalPlatform platform)
      throws Exception {
    Account owner = Accounts.register(api, "exports");
    String capsuleId = generate(api, owner);
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    // 200 within the synchronous wait, or 202 on a busy host: either way, until it is stored.
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> "stored".equals(TestWorkers.capsuleStatus(jdbc, capsuleId)));
    String v1 =
        jdbc.queryForObject(
            "SELECT id FROM capsule_versions WHERE capsule_id = ? AND number = 1",
            String.class,
            capsuleId);

    // helm: strict lint, then rendered with an Ingress.
    Map<String, Object> helm = export(api, owner, capsuleId, "helm", null, 200);
    assertThat(helm)
        .containsEntry("format", "helm")
        .containsEntry("capsule_id", capsuleId)
        .containsEntry("version_id", v1)
        .containsEntry("version_number", 1)
        .containsEntry("provider", null)
        .containsEntry("docker", null);
    Map<String, Object> chart = (Map<String, Object>) helm.get("chart");
    String name = (String) chart.get("name");
    assertThat(name).matches("[a-z]([-a-z0-9]*[a-z0-9])?");
    assertThat(chart).containsEntry("version", "0.1.0").containsEntry("app_version", "v1");
    Path chartDir = write(helm, dir.resolve("chart"));
    LintResult lint = new Helm(chartDir).lint().strict().call();
    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    List<Map<String, Object>> objects =
        yaml(
            new Helm(chartDir)
                .template()
                .withName("shop")
                .set("ingress.enabled", "true")
                .set("ingress.host", "users.example.com")
                .set("replicaCount", "2")
                .call());
    assertThat(objects)
        .extracting(o -> o.get("kind"))
        .containsExactlyInAnyOrder("Service", "Deployment", "Ingress");
    Map<String, Object> deployment = ofKind(objects, "Deployment");
    assertThat(at(deployment, "spec", "replicas")).isEqualTo(2);
    Map<String, Object> container =
        ((List<Map<String, Object>>) at(deployment, "spec", "template", "spec", "containers"))
            .get(0);
    assertThat(container.get("image")).isEqualTo(name + ":v1");
    assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/health");
    assertThat(container.get("ports").toString()).contains("containerPort=8000");
    assertThat(at(ofKind(objects, "Ingress"), "spec", "rules").toString())
        .contains("host=users.example.com");

    // terraform: every file parses; the three resources and the variables are there.
    Map<String, Object> terraform = export(api, owner, capsuleId, "terraform", v1, 200);
    assertThat(at(terraform, "provider", "source")).isEqualTo("hashicorp/kubernetes");
    Map<String, Map<String, Object>> tf = new LinkedHashMap<>();
    for (Map<String, Object> file : (List<Map<String, Object>>) terraform.get("files")) {
      tf.put((String) file.get("path"), new HCLParser().parse((String) file.get("content")));
    }
    assertThat(tf).containsOnlyKeys("main.tf", "variables.tf", "outputs.tf", "versions.tf");
    assertThat((Map<String, Object>) tf.get("main.tf").get("resource"))
        .containsOnlyKeys(
            "kubernetes_deployment_v1", "kubernetes_service_v1", "kubernetes_ingress_v1");
    assertThat((Map<String, Object>) tf.get("variables.tf").get("variable"))
        .containsKeys("image", "replicas", "namespace", "resources", "ingress_host");
    assertThat(at(tf.get("variables.tf"), "variable", "image", "default")).isEqualTo(name + ":v1");

    // docker: the capsule's own Dockerfile, and a compose file docker-compose accepts.
    Map<String, Object> docker = export(api, owner, capsuleId, "docker", null, 200);
    assertThat((Map<String, Object>) docker.get("docker"))
        .containsEntry("dockerfile_source", "capsule")
        .containsEntry("port", 8000)
        .containsEntry("health_path", "/health")
        .containsEntry("image", name + ":v1");
    BlobStore blobs = platform.workerContext().getBean(BlobStore.class);
    FileManifest manifest =
        FileManifest.load(
            blobs,
            jdbc.queryForObject(
                "SELECT manifest_key FROM capsule_versions WHERE id = ?", String.class, v1));
    String storedDockerfile = text(blobs, manifest, "Dockerfile");
    assertThat(fileOf(docker, "Dockerfile")).isEqualTo(storedDockerfile);
    Path compose = write(docker, dir.resolve("docker")).resolve("docker-compose.yml");
    assertThat(composeConfig(compose)).isZero();

    // Version 2 (another branch) changes the Dockerfile: its exports follow it; main's do not.
    String changed =
        storedDockerfile
            .replace("EXPOSE 8000", "EXPOSE 9000")
            .replace(":8000/health", ":9000/ready");
    assertThat(changed).contains("EXPOSE 9000").contains(":9000/ready");
    String v2 = storeVersion(jdbc, blobs, capsuleId, v1, manifest, "Dockerfile", changed);
    Map<String, Object> docker2 = export(api, owner, capsuleId, "docker", v2, 200);
    assertThat(docker2).containsEntry("version_id", v2).containsEntry("version_number", 2);
    assertThat(fileOf(docker2, "Dockerfile")).isEqualTo(changed);
    assertThat((Map<String, Object>) docker2.get("docker"))
        .containsEntry("port", 9000)
        .containsEntry("health_path", "/ready")
        .containsEntry("image", name + ":v2");
    Map<String, Object> helm2 = export(api, owner, capsuleId, "helm", v2, 200);
    assertThat(at(helm2, "chart", "version")).isEqualTo("0.2.0");
    assertThat(fileOf(helm2, "values.yaml")).contains("containerPort: 9000").contains("/ready");
    assertThat(export(api, owner, capsuleId, "docker", null, 200)).containsEntry("version_id", v1);

    // Unknown version, a stranger, an unknown format.
    assertThat(export(api, owner, capsuleId, "helm", "ver-" + UUID.randomUUID(), 404))
        .containsEntry("error_code", "VERSION_NOT_FOUND");
    Account stranger = Accounts.register(api, "exports-stranger");
    assertThat(export(api, stranger, capsuleId, "terraform", null, 404))
        .containsEntry("error_code", "CAPSULE_NOT_FOUND");
    Map<String, Object> unknown = export(api, owner, capsuleId, "pulumi", null, 400);
    assertThat(unknown).containsEntry("error_code", "BAD_REQUEST");
    assertThat((String) unknown.get("detail"))
        .contains("pulumi")
        .contains("docker")
        .contains("helm")
        .contains("terraform");
  }

  @SuppressWarnings("unchecked")
  private static String generate(WebTestClient api, Account owner) {
    Map<String, Object> created =
        api.mutate()
            .responseTimeout(Duration.ofSeconds(90))
            .build()
            .post()
            .uri("/generate/robust-capsule")
            .headers(h -> h.setBearerAuth(owner.accessToken()))
            .bodyValue(FASTAPI)
            .exchange()
            .expectStatus()
            .value(status -> assertThat(status).isIn(200, 202))
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    return (String) created.get("capsule_id");
  }

  private static Map<String, Object> export(
      WebTestClient api,
      Account caller,
      String capsuleId,
      String format,
      String versionId,
      int status) {
    return Json.call(
        api,
        HttpMethod.GET,
        "/capsule/"
            + capsuleId
            + "/export/"
            + format
            + (versionId == null ? "" : "?version_id=" + versionId),
        caller.accessToken(),
        null,
        status);
  }

  /** A version as version creation stores one: blobs, manifest, a row (here on branch "edit"). */
  private static String storeVersion(
      JdbcTemplate jdbc,
      BlobStore blobs,
      String capsuleId,
      String parent,
      FileManifest base,
      String path,
      String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    String sha = blobs.putContentAddressed(new ByteArrayInputStream(bytes), "text/plain").sha256();
    List<FileManifest.Entry> entries = new ArrayList<>();
    for (FileManifest.Entry e : base.entries()) {
      entries.add(e.path().equals(path) ? new FileManifest.Entry(path, sha, bytes.length) : e);
    }
    FileManifest manifest = FileManifest.of(entries);
    String key = manifest.store(blobs);
    String id = "ver-" + UUID.randomUUID();
    jdbc.update(
        "INSERT INTO capsule_versions (id, capsule_id, number, parent_id, branch, author, message,"
            + " manifest_sha256, manifest_key, file_count, total_size_bytes)"
            + " VALUES (?, ?, 2, ?, 'edit', 'test', 'Port 9000', ?, ?, ?, ?)",
        id,
        capsuleId,
        parent,
        manifest.digest(),
        key,
        manifest.entries().size(),
        manifest.totalBytes());
    return id;
  }

  private static String text(BlobStore blobs, FileManifest manifest, String path) {
    FileManifest.Entry entry =
        manifest.entries().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
    return new String(blobs.get(entry.blobKey()).orElseThrow(), StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static String fileOf(Map<String, Object> export, String path) {
    return ((List<Map<String, Object>>) export.get("files"))
        .stream()
            .filter(f -> path.equals(f.get("path")))
            .map(f -> (String) f.get("content"))
            .findFirst()
            .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Path write(Map<String, Object> export, Path root) throws Exception {
    for (Map<String, Object> file : (List<Map<String, Object>>) export.get("files")) {
      Path target = root.resolve((String) file.get("path")).normalize();
      assertThat(target.startsWith(root)).isTrue();
      Files.createDirectories(target.getParent());
      Files.writeString(target, (String) file.get("content"), StandardCharsets.UTF_8);
    }
    return root;
  }

  private static int composeConfig(Path compose) throws Exception {
    Process process =
        new ProcessBuilder("docker-compose", "-f", compose.toString(), "config", "-q")
            .directory(compose.getParent().toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).as("docker-compose config -q prints nothing when valid").isBlank();
    return process.exitValue();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> yaml(String text) {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
      if (document != null) {
        documents.add((Map<String, Object>) document);
      }
    }
    return documents;
  }

  private static Map<String, Object> ofKind(List<Map<String, Object>> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Object at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      current = current instanceof Map ? ((Map<String, Object>) current).get(key) : null;
    }
    return current;
  }
}
