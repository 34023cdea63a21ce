package dev.shipyard.standalone.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.codegen.offline.OfflineEngine;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.DockerRegistry;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.Skopeo;
import dev.shipyard.standalone.testing.StoredCapsules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code /api/container-images} end to end: a platform of its own whose worker and API use a REAL
 * registry (Debian's {@code docker-registry}, htpasswd, deletes enabled) on 127.0.0.1. A generated
 * FastAPI capsule is built through HTTP (the workflow, Jib on the worker) and ends {@code built}
 * with the registry's digest, size and layers, which {@code skopeo} confirms; the same version
 * built again has the same digest; a retag appears in the registry's tag list; a delete removes the
 * manifest (its tags leave the list); bad names and tags are 422 in the family's shape with nothing
 * stored; another user's image is 404.
 */
class ContainerImagesApiTest {

  private static final String USER = "shipyard";
  private static final String PASSWORD = "registry-" + UUID.randomUUID();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path dataDir;
  private static DockerRegistry registry;
  private static LocalPlatform platform;
  private static WebTestClient api;
  private static JdbcTemplate jdbc;
  private static Account owner;

  @BeforeAll
  static void start() throws Exception {
    registry = DockerRegistry.start(USER, PASSWORD, true);
    dataDir = Files.createTempDirectory("shipyard-images-test-");
    Map<String, Object> images = new HashMap<>();
    images.put("IMAGE_REGISTRY", registry.host());
    images.put("IMAGE_REGISTRY_USERNAME", USER);
    images.put("IMAGE_REGISTRY_PASSWORD", PASSWORD);
    images.put("IMAGE_CACHE_DIR", dataDir.resolve("jib-cache").toString());
    platform = LocalPlatformExtension.startIsolated(dataDir.resolve("data"), images, images);
    api = LocalPlatformExtension.client(platform);
    jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    owner = Accounts.register(api, "images");
    OfflineEngine engine = new OfflineEngine();
    GenerationSpec spec =
        new GenerationSpec(
            "Create a FastAPI microservice for user management", "authentication, CRUD", Map.of());
    List<SourceFile> files = engine.generate(engine.plan(spec), spec);
    StoredCapsules.store(platform, owner, "users-api", files);
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private static Map<String, Object> call(HttpMethod method, String uri, Object body, int status) {
    return Json.call(api, method, uri, owner.accessToken(), body, status);
  }

  private static Map<String, Object> awaitEnd(String id) {
    return await("image " + id + " built or failed")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> call(HttpMethod.GET, "/api/container-images/" + id, null, 200),
            image -> !"building".equals(image.get("status")));
  }

  private static List<String> tags(String repository) throws Exception {
    var answer = registry.tags(repository);
    if (answer.statusCode() == 404) {
      return List.of(); // NAME_UNKNOWN: no tag left
    }
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    List<String> tags = new ArrayList<>();
    JSON.readTree(answer.body()).path("tags").forEach(t -> tags.add(t.asText()));
    return tags;
  }

  private static int rows() {
    return jdbc.queryForObject(
        "SELECT count(*) FROM container_images WHERE owner_id = ?",
        Integer.class,
        UUID.fromString(owner.id()));
  }

  @Test
  @SuppressWarnings("unchecked")
  void builtRetaggedAndDeletedInTheRegistry() throws Exception {
    Map<String, Object> created =
        call(
            HttpMethod.POST,
            "/api/container-images",
            Map.of(
                "name", "users-api",
                "tag", "v1",
                "repository", "acme",
                "description", "FastAPI users",
                "capsule_id", "cap-users-api"),
            201);
    assertThat(created)
        .containsEntry("status", "building")
        .containsEntry("name", "users-api")
        .containsEntry("repository", "acme/users-api")
        .containsEntry("tag", "v1");
    String id = (String) created.get("id");

    Map<String, Object> built = awaitEnd(id);
    assertThat(built).as(built.toString()).containsEntry("status", "built");
    String digest = (String) built.get("digest");
    assertThat(digest).matches("sha256:[0-9a-f]{64}");
    assertThat(built.get("reference")).isEqualTo(registry.host() + "/acme/users-api@" + digest);
    assertThat(built).containsEntry("stack", "python").containsEntry("base_image", "scratch");
    assertThat(built).containsEntry("sbom", "/sbom/cyclonedx.json");
    List<Map<String, Object>> layers = (List<Map<String, Object>>) built.get("layers");
    Map<String, Object> config = (Map<String, Object>) built.get("config");
    long sum = ((Number) config.get("size")).longValue();
    for (Map<String, Object> l : layers) {
      sum += ((Number) l.get("size")).longValue();
    }
    assertThat(((Number) built.get("size")).longValue()).isEqualTo(sum);
    assertThat(built.get("last_updated")).isNotNull();

    JsonNode inspect = Skopeo.inspect(registry.host() + "/acme/users-api:v1", USER, PASSWORD);
    assertThat(inspect.path("Digest").asText()).isEqualTo(digest);
    List<String> skopeoLayers = new ArrayList<>();
    inspect.path("Layers").forEach(l -> skopeoLayers.add(l.asText()));
    assertThat(skopeoLayers)
        .containsExactlyElementsOf(layers.stream().map(l -> (String) l.get("digest")).toList());
    assertThat(inspect.path("Labels").path("dev.shipyard.capsule.id").asText())
        .isEqualTo("cap-users-api");
    assertThat(tags("acme/users-api")).containsExactly("v1");

    // The same version again, into another repository: the same digest.
    Map<String, Object> again =
        call(
            HttpMethod.POST,
            "/api/container-images",
            Map.of("name", "users-api-copy", "repository", "acme", "capsule_id", "cap-users-api"),
            201);
    Map<String, Object> againBuilt = awaitEnd((String) again.get("id"));
    assertThat(againBuilt).containsEntry("status", "built").containsEntry("tag", "latest");
    assertThat(againBuilt.get("digest")).isEqualTo(digest);

    // Retag: the manifest under the new tag in the registry.
    Map<String, Object> retagged =
        call(HttpMethod.PUT, "/api/container-images/" + id, Map.of("tag", "stable"), 200);
    assertThat(retagged).containsEntry("tag", "stable").containsEntry("digest", digest);
    assertThat(tags("acme/users-api")).containsExactlyInAnyOrder("v1", "stable");
    assertThat(
            Skopeo.inspect(registry.host() + "/acme/users-api:stable", USER, PASSWORD)
                .path("Digest")
                .asText())
        .isEqualTo(digest);
    List<Map<String, Object>> listed =
        (List<Map<String, Object>>)
            call(HttpMethod.GET, "/api/container-images", null, 200).get("images");
    assertThat(listed).extracting(i -> i.get("id")).contains(id, again.get("id"));

    // Delete: the manifest is deleted by digest; its tags leave the list.
    Map<String, Object> deleted = call(HttpMethod.DELETE, "/api/container-images/" + id, null, 200);
    assertThat(deleted)
        .containsEntry("id", id)
        .containsEntry("message", "Container image deleted successfully");
    assertThat(tags("acme/users-api")).isEmpty();
    call(HttpMethod.GET, "/api/container-images/" + id, null, 404);
    assertThat(tags("acme/users-api-copy")).containsExactly("latest");
  }

  @Test
  @SuppressWarnings("unchecked")
  void badNamesAndTagsAre422InTheFamilysShapeAndNothingIsStored() {
    int before = rows();
    for (Map<String, Object> body :
        List.of(
            Map.<String, Object>of("name", "Users_API", "capsule_id", "cap-users-api"),
            Map.<String, Object>of("name", "users--", "capsule_id", "cap-users-api"),
            Map.<String, Object>of("name", "users", "tag", "-v1", "capsule_id", "cap-users-api"),
            Map.<String, Object>of(
                "name", "users", "tag", "v".repeat(129), "capsule_id", "cap-users-api"),
            Map.<String, Object>of(
                "name", "users", "repository", "docker.io/acme", "capsule_id", "cap-users-api"),
            Map.<String, Object>of("name", "users"),
            Map.<String, Object>of("name", "users", "capsule_id", "cap-users-api", "x", 1))) {
      Map<String, Object> error = call(HttpMethod.POST, "/api/container-images", body, 422);
      assertThat(error).containsKeys("error", "message", "details");
      assertThat(error.get("error")).isEqualTo("Unprocessable Entity");
      assertThat((Map<String, Object>) error.get("details")).containsKey("field");
    }
    Map<String, Object> tagError =
        call(
            HttpMethod.POST,
            "/api/container-images",
            Map.of("name", "users", "tag", "-v1", "capsule_id", "cap-users-api"),
            422);
    assertThat(((Map<String, Object>) tagError.get("details")).get("field")).isEqualTo("tag");
    assertThat((String) tagError.get("message")).contains("OCI distribution");
    call(
        HttpMethod.POST,
        "/api/container-images",
        Map.of("name", "users", "capsule_id", "cap-no-such-capsule"),
        404);
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void anotherUsersImageIsNotFound() {
    Map<String, Object> created =
        call(
            HttpMethod.POST,
            "/api/container-images",
            Map.of("name", "private-api", "capsule_id", "cap-users-api"),
            201);
    Account other = Accounts.register(api, "imgother");
    String uri = "/api/container-images/" + created.get("id");
    Json.call(api, HttpMethod.GET, uri, other.accessToken(), null, 404);
    Json.call(api, HttpMethod.DELETE, uri, other.accessToken(), null, 404);
    Json.call(api, HttpMethod.PUT, uri, other.accessToken(), Map.of("tag", "x"), 404);
    awaitEnd((String) created.get("id"));
  }
}
