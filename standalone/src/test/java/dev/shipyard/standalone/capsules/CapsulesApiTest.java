package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.webhook.WebhookSender;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Capsule generation through the public API on the real platform: the workflow runs on the worker,
 * files land in the S3 server, metadata in PostgreSQL; other users see nothing.
 */
@ExtendWith(LocalPlatformExtension.class)
class CapsulesApiTest {

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

  @Test
  @SuppressWarnings("unchecked")
  void generatesStoresAndScopesACapsule(WebTestClient api, LocalPlatform platform)
      throws Exception {
    Account owner = Accounts.register(api, "capsules");
    Map<String, Object> created =
        Json.call(
            api, HttpMethod.POST, "/generate/robust-capsule", owner.accessToken(), FASTAPI, 200);
    String capsuleId = (String) created.get("capsule_id");
    assertThat(capsuleId).startsWith("cap-");
    assertThat(created).containsEntry("robust_generation", true).containsKey("request_id");
    Map<String, Object> validation = (Map<String, Object>) created.get("validation");
    assertThat((Double) validation.get("score")).isGreaterThanOrEqualTo(0.9);
    assertThat(validation).containsEntry("production_ready", true).containsEntry("passed", true);
    assertThat(created.get("languages")).isEqualTo(List.of("python"));
    Map<String, Object> preview = (Map<String, Object>) created.get("preview");
    assertThat(preview)
        .containsEntry("has_dockerfile", true)
        .containsEntry("has_ci_cd", true)
        .containsEntry("has_tests", true);
    assertThat((List<String>) preview.get("test_files")).isNotEmpty();
    assertThat((Integer) created.get("files_generated")).isGreaterThan(5);

    // Metadata in PostgreSQL, via the API.
    Map<String, Object> capsule =
        Json.call(api, HttpMethod.GET, "/capsule/" + capsuleId, owner.accessToken(), null, 200);
    assertThat(capsule)
        .containsEntry("id", capsuleId)
        .containsEntry("status", "stored")
        .containsEntry("tenant_id", owner.tenantId())
        .containsEntry("user_id", owner.id())
        .containsEntry("file_count", created.get("files_generated"));
    assertThat(((Number) capsule.get("total_size_bytes")).longValue()).isPositive();
    assertThat((Map<String, Object>) capsule.get("metadata"))
        .containsEntry("languages", List.of("python"))
        .containsEntry("frameworks", List.of("fastapi"))
        .containsEntry("deployment_ready", true);

    // Files in the S3 server: the manifest and each content-addressed blob, read back with the SDK.
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    String manifestKey =
        jdbc.queryForObject(
            "SELECT manifest_key FROM capsules WHERE id = ?", String.class, capsuleId);
    S3Client s3 = platform.workerContext().getBean(S3Client.class);
    String bucket = platform.endpoints().bucket();
    Map<String, Map<String, Object>> manifest =
        new ObjectMapper()
            .readValue(
                s3.getObjectAsBytes(b -> b.bucket(bucket).key(manifestKey)).asByteArray(),
                new TypeReference<>() {});
    assertThat(manifest).containsKeys("Dockerfile", ".github/workflows/ci.yml");
    assertThat(manifest.keySet()).anyMatch(p -> p.endsWith(".py"));
    String dockerDigest = (String) manifest.get("Dockerfile").get("sha256");
    String dockerfile =
        s3.getObjectAsBytes(b -> b.bucket(bucket).key("blobs/sha256/" + dockerDigest))
            .asUtf8String();
    assertThat(dockerfile).contains("FROM ");
    assertThat(
            dev.shipyard.activities.storage.ProjectFiles.sha256(
                dockerfile.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(dockerDigest);

    // Version 1 of the generated capsule: the head of main, its manifest the stored one.
    Map<String, Object> versions =
        Json.call(
            api,
            HttpMethod.GET,
            "/capsule/" + capsuleId + "/history",
            owner.accessToken(),
            null,
            200);
    assertThat(versions).containsEntry("branch", "main").containsEntry("total_versions", 1);
    assertThat(((List<Map<String, Object>>) versions.get("versions")).get(0))
        .containsEntry("version_number", 1)
        .containsEntry("author", "system")
        .containsEntry("message", "Initial version")
        .containsEntry("parent_version", null)
        .containsEntry(
            "manifest_digest",
            manifestKey.substring("manifests/sha256/".length(), manifestKey.length() - 5));

    // Listing: the owner sees it; another user sees neither the list entry nor the capsule.
    Map<String, Object> mine =
        Json.call(api, HttpMethod.GET, "/capsules?limit=50", owner.accessToken(), null, 200);
    assertThat((List<Map<String, Object>>) mine.get("capsules"))
        .extracting(c -> c.get("id"))
        .contains(capsuleId);
    Account stranger = Accounts.register(api, "stranger");
    Map<String, Object> missing =
        Json.call(api, HttpMethod.GET, "/capsule/" + capsuleId, stranger.accessToken(), null, 404);
    assertThat(missing).containsEntry("error_code", "CAPSULE_NOT_FOUND").containsKey("request_id");
    assertThat(
            (List<?>)
                Json.call(api, HttpMethod.GET, "/capsules", stranger.accessToken(), null, 200)
                    .get("capsules"))
        .isEmpty();
    Json.call(
        api,
        HttpMethod.GET,
        "/capsule/" + capsuleId + "/generation",
        stranger.accessToken(),
        null,
        404);
    // The operator (an admin of the same tenant) sees it.
    Json.call(
        api,
        HttpMethod.GET,
        "/capsule/" + capsuleId,
        Accounts.operator(api).accessToken(),
        null,
        200);

    // The iteration history.
    Map<String, Object> history =
        Json.call(
            api,
            HttpMethod.GET,
            "/capsule/" + capsuleId + "/generation",
            owner.accessToken(),
            null,
            200);
    assertThat((List<?>) history.get("iterations")).isNotEmpty();

    // The same request ID again is the same capsule (idempotent).
    Map<String, Object> withId = new java.util.HashMap<>(FASTAPI);
    withId.put("id", "req-" + capsuleId);
    String first =
        (String)
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/generate/robust-capsule",
                    owner.accessToken(),
                    withId,
                    200)
                .get("capsule_id");
    String again =
        (String)
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/generate/robust-capsule",
                    owner.accessToken(),
                    withId,
                    200)
                .get("capsule_id");
    assertThat(again).isEqualTo(first);
  }

  @Test
  void refusesBadRequestsAndViewers(WebTestClient api) {
    Account owner = Accounts.register(api, "badcaps");
    Json.call(api, HttpMethod.POST, "/generate/robust-capsule", null, FASTAPI, 401);
    Map<String, Object> noDescription =
        Json.call(
            api, HttpMethod.POST, "/generate/robust-capsule", owner.accessToken(), Map.of(), 422);
    assertThat(noDescription).containsEntry("error_code", "VALIDATION_ERROR");
    Json.call(
        api,
        HttpMethod.POST,
        "/generate/robust-capsule",
        owner.accessToken(),
        Map.of("description", "x", "metadata", Map.of("target_score", 2)),
        422);
    Json.call(
        api,
        HttpMethod.POST,
        "/generate/robust-capsule",
        owner.accessToken(),
        Map.of("description", "x", "tenant_id", "someone-else"),
        403);
    Map<String, Object> cobol =
        Json.call(
            api,
            HttpMethod.POST,
            "/generate/robust-capsule",
            owner.accessToken(),
            Map.of("description", "A payroll service", "constraints", Map.of("language", "cobol")),
            422);
    assertThat(cobol).containsEntry("error_code", "GENERATION_FAILED");
    assertThat((String) cobol.get("detail")).containsIgnoringCase("cobol");

    Account viewer = Accounts.create(api, Accounts.operator(api), "capviewer", "viewer");
    Json.call(api, HttpMethod.POST, "/generate/robust-capsule", viewer.accessToken(), FASTAPI, 403);
    Json.call(api, HttpMethod.GET, "/capsules", viewer.accessToken(), null, 200);
    Json.call(api, HttpMethod.GET, "/capsule/cap-nothing", owner.accessToken(), null, 404);
  }

  @Test
  @SuppressWarnings("unchecked")
  void v2CreatesInTheEnvelopeAndCallsTheWebhookSigned(WebTestClient api, WebhookReceiver receiver)
      throws Exception {
    Account owner = Accounts.register(api, "v2caps");
    String hook = receiver.url("/hook");
    Map<String, Object> accepted =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/v2/capsules",
            owner.accessToken(),
            Map.of(
                "project_name",
                "Inventory",
                "description",
                "An inventory service managing products and orders",
                "tech_stack",
                List.of("Node.js", "Express"),
                "async_processing",
                true,
                "webhook_url",
                hook),
            202);
    assertThat(accepted).containsEntry("success", true).containsEntry("version", "2.0.0");
    Map<String, Object> job = (Map<String, Object>) accepted.get("data");
    assertThat(job).containsEntry("status", "queued").containsKey("job_id");
    String capsuleId = (String) job.get("capsule_id");

    WebhookReceiver.Request call = receiver.poll(Duration.ofSeconds(90));
    assertThat(call).as("webhook call").isNotNull();
    // Plain HTTP/1.1: no h2c upgrade offer, which many receivers and proxies reject.
    assertThat(call.requestLine()).isEqualTo("POST /hook HTTP/1.1");
    assertThat(call.headers()).doesNotContainKeys("upgrade", "http2-settings");
    assertThat(call.header("connection")).isEqualTo("close");
    assertThat(call.header("X-Shipyard-Event")).isEqualTo("capsule.created");
    String[] parts = call.header("X-Shipyard-Signature").split(",");
    String t = parts[0].substring(2);
    String expected =
        WebhookSender.sign(
            LocalPlatformExtension.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8),
            t + "." + call.body());
    assertThat(parts[1]).isEqualTo("v1=" + expected);
    assertThat(call.body()).contains(capsuleId).contains("\"event\":\"capsule.created\"");

    Map<String, Object> got =
        Json.call(
            api, HttpMethod.GET, "/api/v2/capsules/" + capsuleId, owner.accessToken(), null, 200);
    assertThat((Map<String, Object>) got.get("data"))
        .containsEntry("status", "stored")
        .extracting(d -> ((Map<String, Object>) d.get("metadata")).get("languages"))
        .isEqualTo(List.of("javascript"));
    assertThat((List<?>) got.get("links")).isNotEmpty();

    Map<String, Object> page =
        Json.call(
            api,
            HttpMethod.GET,
            "/api/v2/capsules?page=1&per_page=5&sort_by=created_at&sort_order=desc",
            owner.accessToken(),
            null,
            200);
    Map<String, Object> pagination =
        (Map<String, Object>) ((Map<String, Object>) page.get("meta")).get("pagination");
    assertThat(pagination)
        .containsEntry("page", 1)
        .containsEntry("per_page", 5)
        .containsEntry("total", 1)
        .containsEntry("has_next", false)
        .containsEntry("has_prev", false);

    Map<String, Object> invalid =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/v2/capsules",
            owner.accessToken(),
            Map.of(
                "project_name",
                "x".repeat(101),
                "description",
                "d",
                "tech_stack",
                List.of("Python")),
            422);
    assertThat(invalid).containsEntry("success", false);
    assertThat(invalid.toString()).contains("project_name");
    Json.call(
        api,
        HttpMethod.POST,
        "/api/v2/capsules",
        owner.accessToken(),
        Map.of(
            "project_name",
            "p",
            "description",
            "d",
            "tech_stack",
            List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k")),
        422);
    Json.call(
        api, HttpMethod.GET, "/api/v2/capsules?sort_by=password", owner.accessToken(), null, 422);
    Json.call(
        api,
        HttpMethod.GET,
        "/api/v2/capsules/" + capsuleId,
        Accounts.register(api, "v2other").accessToken(),
        null,
        404);
  }
}
