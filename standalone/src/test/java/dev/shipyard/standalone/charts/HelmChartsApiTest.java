package dev.shipyard.standalone.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.TestWorkers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code /api/helm-charts} through HTTP against the real platform: the worker's validation workflow
 * runs the helm that helm-java bundles (strict lint, template). A chart made from metadata ends
 * {@code valid} and renders a Deployment; an uploaded chart with a broken template ends {@code
 * invalid} with helm's own message; a re-used version with other content answers 409 (the same
 * content is idempotent, a new version re-validates); unsafe archives and bad names are refused in
 * the family's shape with nothing stored; a chart made from a generated capsule ends {@code valid}.
 */
@ExtendWith(LocalPlatformExtension.class)
class HelmChartsApiTest {

  private static final Duration VALIDATION = Duration.ofMinutes(2);

  @Test
  void aChartFromMetadataEndsValidRendersAndDownloads(WebTestClient api) throws IOException {
    Account owner = Accounts.register(api, "charts");
    Map<String, Object> created =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/helm-charts",
            owner.accessToken(),
            Map.of(
                "name", "todo-app",
                "version", "1.0.0",
                "description", "Todo AI Chatbot Helm chart",
                "app_version", "1.0.0",
                "image", "nginx:1.27",
                "port", 80),
            201);
    assertThat(created)
        .containsEntry("name", "todo-app")
        .containsEntry("version", "1.0.0")
        .containsEntry("description", "Todo AI Chatbot Helm chart")
        .containsEntry("app_version", "1.0.0")
        .containsEntry("status", "validating")
        .containsKey("created_at");
    String id = (String) created.get("id");

    Map<String, Object> valid = awaitEnd(api, owner, id);
    assertThat(valid).containsEntry("status", "valid");
    assertThat((String) valid.get("last_updated")).isNotNull();
    assertThat(messages(valid)).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));

    String rendered = text(api, owner, "/api/helm-charts/" + id + "/rendered", 200);
    assertThat(rendered)
        .contains("kind: Deployment")
        .contains("kind: Service")
        .contains("name: todo-app-todo-app")
        .contains("image: \"nginx:1.27\"")
        .contains("containerPort: 80");

    Map<String, byte[]> files = untar(bytes(api, owner, "/api/helm-charts/" + id + "/package"));
    assertThat(files)
        .containsKeys(
            "todo-app/Chart.yaml",
            "todo-app/values.yaml",
            "todo-app/templates/deployment.yaml",
            "todo-app/templates/service.yaml");
    assertThat(new String(files.get("todo-app/Chart.yaml"), StandardCharsets.UTF_8))
        .contains("name: todo-app")
        .contains("version: 1.0.0");

    // another user sees nothing
    Account stranger = Accounts.register(api, "stranger");
    Map<String, Object> hidden =
        Json.call(api, HttpMethod.GET, "/api/helm-charts/" + id, stranger.accessToken(), null, 404);
    assertThat(hidden).containsEntry("error", "Not Found");
    Json.call(api, HttpMethod.DELETE, "/api/helm-charts/" + id, stranger.accessToken(), null, 404);
    Json.call(
        api,
        HttpMethod.GET,
        "/api/helm-charts/" + id + "/package",
        stranger.accessToken(),
        null,
        404);

    // the list, paginated with the spec's headers
    Json.call(
        api,
        HttpMethod.POST,
        "/api/helm-charts",
        owner.accessToken(),
        Map.of("name", "second", "version", "0.1.0"),
        201);
    api.get()
        .uri("/api/helm-charts?page=1&per_page=1")
        .headers(h -> h.setBearerAuth(owner.accessToken()))
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals("X-Total-Count", "2")
        .expectHeader()
        .valueEquals("Page", "1")
        .expectHeader()
        .valueEquals("PerPage", "1")
        .expectHeader()
        .value(
            "Link",
            link ->
                assertThat(link)
                    .contains("</api/helm-charts?page=2&per_page=1>; rel=\"next\"")
                    .contains("</api/helm-charts?page=2&per_page=1>; rel=\"last\"")
                    .doesNotContain("rel=\"prev\""))
        .expectBodyList(Map.class)
        .hasSize(1);

    // delete: the message and ID of the spec, then gone
    Map<String, Object> deleted =
        Json.call(api, HttpMethod.DELETE, "/api/helm-charts/" + id, owner.accessToken(), null, 200);
    assertThat(deleted)
        .containsEntry("message", "Helm chart deleted successfully")
        .containsEntry("id", id);
    Json.call(api, HttpMethod.GET, "/api/helm-charts/" + id, owner.accessToken(), null, 404);
  }

  @Test
  void aBrokenTemplateEndsInvalidWithHelmsMessage(WebTestClient api) throws IOException {
    Account owner = Accounts.register(api, "broken");
    Map<String, String> chart = goodChart("broken", "0.1.0");
    chart.put(
        "broken/templates/configmap.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ .Release.Name }}-config
        data:
          greeting: {{ .Values.greeting | nosuchfunction }}
        """);
    Map<String, Object> created =
        upload(api, owner, HttpMethod.POST, "/api/helm-charts", tgz(chart), 201);
    assertThat(created).containsEntry("status", "validating").containsEntry("name", "broken");

    Map<String, Object> invalid = awaitEnd(api, owner, (String) created.get("id"));
    assertThat(invalid).containsEntry("status", "invalid");
    assertThat(String.join("\n", messages(invalid)))
        .contains("function \"nosuchfunction\" not defined")
        .contains("templates/configmap.yaml");
    Map<String, Object> noRender =
        Json.call(
            api,
            HttpMethod.GET,
            "/api/helm-charts/" + created.get("id") + "/rendered",
            owner.accessToken(),
            null,
            409);
    assertThat(noRender).containsEntry("error", "Conflict");
  }

  @Test
  void aReusedVersionWithOtherContentAnswers409(WebTestClient api, LocalPlatform platform)
      throws IOException {
    Account owner = Accounts.register(api, "reuse");
    Map<String, String> chart = goodChart("reuse", "1.0.0");
    Map<String, Object> created =
        upload(api, owner, HttpMethod.POST, "/api/helm-charts", tgz(chart), 201);
    String id = (String) created.get("id");
    assertThat(awaitEnd(api, owner, id)).containsEntry("status", "valid");
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);

    // 1.0.0 again with another template: 409, nothing written
    Map<String, String> other = new LinkedHashMap<>(chart);
    other.put(
        "reuse/templates/deployment.yaml",
        chart.get("reuse/templates/deployment.yaml").replace("replicas: 1", "replicas: 2"));
    Map<String, Object> conflict =
        upload(api, owner, HttpMethod.PUT, "/api/helm-charts/" + id, tgz(other), 409);
    assertThat(conflict).containsEntry("error", "Conflict");
    assertThat((String) conflict.get("message"))
        .contains("Version 1.0.0 of chart reuse")
        .contains("already exists with other content");
    // and through JSON: new metadata under the same version is other content too
    Map<String, Object> jsonConflict =
        Json.call(
            api,
            HttpMethod.PUT,
            "/api/helm-charts/" + id,
            owner.accessToken(),
            Map.of("description", "Something else"),
            409);
    assertThat(jsonConflict).containsEntry("error", "Conflict");
    assertThat(versions(jdbc, id)).isEqualTo(1);

    // the same content again (a package with other timestamps): idempotent, nothing re-validated
    Map<String, Object> same =
        upload(api, owner, HttpMethod.PUT, "/api/helm-charts/" + id, tgz(chart), 200);
    assertThat(same).containsEntry("version", "1.0.0").containsEntry("status", "valid");
    assertThat(versions(jdbc, id)).isEqualTo(1);

    // a new version re-validates
    Map<String, Object> next =
        Json.call(
            api,
            HttpMethod.PUT,
            "/api/helm-charts/" + id,
            owner.accessToken(),
            Map.of("version", "1.0.1", "description", "Updated with security patches"),
            200);
    assertThat(next)
        .containsEntry("version", "1.0.1")
        .containsEntry("description", "Updated with security patches")
        .containsEntry("status", "validating");
    assertThat(awaitEnd(api, owner, id)).containsEntry("status", "valid");
    assertThat(versions(jdbc, id)).isEqualTo(2);
    assertThat(
            new String(
                untar(bytes(api, owner, "/api/helm-charts/" + id + "/package"))
                    .get("reuse/Chart.yaml"),
                StandardCharsets.UTF_8))
        .contains("version: 1.0.1")
        .contains("description: Updated with security patches");
    // a chart of another name in the upload is refused
    Map<String, Object> renamed =
        upload(
            api,
            owner,
            HttpMethod.PUT,
            "/api/helm-charts/" + id,
            tgz(goodChart("renamed", "2.0.0")),
            422);
    assertThat((String) renamed.get("message")).contains("not reuse");
  }

  @Test
  void unsafeArchivesAndBadNamesAreRefusedWithNothingStored(
      WebTestClient api, LocalPlatform platform) throws IOException {
    Account owner = Accounts.register(api, "unsafe");
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    int objects = objects(platform);

    Map<String, String> traversal = goodChart("evil", "0.1.0");
    traversal.put("evil/../../etc/cron.d/evil", "* * * * * root true\n");
    Map<String, Object> refused =
        upload(api, owner, HttpMethod.POST, "/api/helm-charts", tgz(traversal), 422);
    assertThat(refused).containsEntry("error", "Unprocessable Entity");
    assertThat((String) refused.get("message")).contains("leaves the archive");
    assertThat(refused.get("details"))
        .isEqualTo(Map.of("field", "chart", "issue", refused.get("message")));

    byte[] symlink = tgzWithSymlink("evil", "evil/templates/link.yaml", "/etc/passwd");
    assertThat(
            (String)
                upload(api, owner, HttpMethod.POST, "/api/helm-charts", symlink, 422)
                    .get("message"))
        .contains("is a link");

    byte[] notGzip = "not an archive".getBytes(StandardCharsets.UTF_8);
    assertThat(
            (String)
                upload(api, owner, HttpMethod.POST, "/api/helm-charts", notGzip, 422)
                    .get("message"))
        .contains("not a gzipped tar");

    Map<String, String> tooBig = goodChart("big", "0.1.0");
    tooBig.put("big/files/blob.txt", "x".repeat(1024 * 1024 + 1));
    assertThat(
            (String)
                upload(api, owner, HttpMethod.POST, "/api/helm-charts", tgz(tooBig), 422)
                    .get("message"))
        .contains("over 1048576 bytes");

    Map<String, String> misnamed = goodChart("Bad_Name", "0.1.0");
    assertThat(
            (String)
                upload(api, owner, HttpMethod.POST, "/api/helm-charts", tgz(misnamed), 422)
                    .get("message"))
        .contains("is not a chart name");

    List<Object[]> bad =
        List.of(
            new Object[] {Map.of("name", "Todo", "version", "1.0.0"), "name"},
            new Object[] {Map.of("name", "a".repeat(64), "version", "1.0.0"), "name"},
            new Object[] {Map.of("name", "-todo", "version", "1.0.0"), "name"},
            new Object[] {Map.of("name", "todo.app", "version", "1.0.0"), "name"},
            new Object[] {Map.of("name", "todo_app", "version", "1.0.0"), "name"},
            new Object[] {Map.of("name", "todo", "version", "1.0"), "version"},
            new Object[] {Map.of("name", "todo", "version", "v1.0.0"), "version"},
            new Object[] {Map.of("name", "todo", "version", "01.0.0"), "version"},
            new Object[] {Map.of("version", "1.0.0"), "name"},
            new Object[] {Map.of("name", "todo", "version", "1.0.0", "colour", "red"), "colour"},
            new Object[] {Map.of("name", "todo", "version", "1.0.0", "port", 0), "port"});
    for (Object[] row : bad) {
      Map<String, Object> answer =
          Json.call(api, HttpMethod.POST, "/api/helm-charts", owner.accessToken(), row[0], 422);
      assertThat(answer).as("%s", row[0]).containsEntry("error", "Unprocessable Entity");
      assertThat(answer.get("details")).as("%s", row[0]).isInstanceOf(Map.class);
      assertThat(((Map<?, ?>) answer.get("details")).get("field"))
          .as("%s", row[0])
          .isEqualTo(row[1]);
    }
    assertThat(objects(platform)).isEqualTo(objects);
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM helm_charts WHERE owner_id = ?::uuid",
                Integer.class,
                owner.id()))
        .isZero();
    // a SemVer 2 version with pre-release and build metadata is fine
    Json.call(
        api,
        HttpMethod.POST,
        "/api/helm-charts",
        owner.accessToken(),
        Map.of("name", "todo", "version", "1.0.0-rc.1+build.5"),
        201);

    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM helm_charts WHERE owner_id = ?::uuid",
                Integer.class,
                owner.id()))
        .isEqualTo(1);
    // the packages in object storage: one more, the accepted chart's
    assertThat(objects(platform)).isEqualTo(objects + 1);
    // and the name is now taken
    Map<String, Object> taken =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/helm-charts",
            owner.accessToken(),
            Map.of("name", "todo", "version", "2.0.0"),
            409);
    assertThat((String) taken.get("message")).contains("A chart named todo already exists");
  }

  @Test
  void aChartFromAGeneratedCapsuleEndsValid(WebTestClient api, LocalPlatform platform) {
    Account owner = Accounts.register(api, "capsulechart");
    Map<String, Object> generated =
        api.mutate()
            .responseTimeout(Duration.ofSeconds(90))
            .build()
            .post()
            .uri("/generate/robust-capsule")
            .headers(h -> h.setBearerAuth(owner.accessToken()))
            .bodyValue(
                Map.of(
                    "description",
                    "Create a FastAPI microservice for user management",
                    "requirements",
                    "Must include CRUD operations",
                    "constraints",
                    Map.of("language", "python", "framework", "fastapi"),
                    "metadata",
                    Map.of("target_score", 0.9, "save_to_disk", false)))
            .exchange()
            .expectStatus()
            .value(status -> assertThat(status).isIn(200, 202))
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    String capsuleId = (String) generated.get("capsule_id");
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> "stored".equals(TestWorkers.capsuleStatus(jdbc, capsuleId)));

    Map<String, Object> created =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/helm-charts",
            owner.accessToken(),
            Map.of("name", "users", "version", "0.1.0", "capsule_id", capsuleId),
            201);
    assertThat(created).containsEntry("source", "capsule").containsEntry("status", "validating");
    String id = (String) created.get("id");
    assertThat(awaitEnd(api, owner, id)).containsEntry("status", "valid");
    assertThat(text(api, owner, "/api/helm-charts/" + id + "/rendered", 200))
        .contains("kind: Deployment")
        .contains("runAsNonRoot: true");

    Map<String, Object> missing =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/helm-charts",
            owner.accessToken(),
            Map.of("name", "ghost", "version", "0.1.0", "capsule_id", "cap-does-not-exist"),
            404);
    assertThat(missing).containsEntry("error", "Not Found");
  }

  // --- helpers ---

  private static Map<String, Object> awaitEnd(WebTestClient api, Account owner, String id) {
    return await()
        .atMost(VALIDATION)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () ->
                Json.call(
                    api, HttpMethod.GET, "/api/helm-charts/" + id, owner.accessToken(), null, 200),
            chart -> !"validating".equals(chart.get("status")));
  }

  @SuppressWarnings("unchecked")
  private static List<String> messages(Map<String, Object> chart) {
    return (List<String>) chart.get("messages");
  }

  private static int versions(JdbcTemplate jdbc, String id) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM helm_chart_versions WHERE chart_id = ?::uuid", Integer.class, id);
  }

  /** The packaged charts in object storage (rendered manifests come later, asynchronously). */
  private static int objects(LocalPlatform platform) {
    S3Client s3 = platform.workerContext().getBean(S3Client.class);
    String bucket = platform.endpoints().bucket();
    return (int)
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("helm-charts/")).contents().stream()
            .filter(o -> o.key().endsWith(".tgz"))
            .count();
  }

  /** A chart helm accepts under strict lint: Chart.yaml, values and one Deployment. */
  private static Map<String, String> goodChart(String name, String version) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        name + "/Chart.yaml",
        "apiVersion: v2\nname: "
            + name
            + "\ndescription: A test chart\ntype: application\nversion: "
            + version
            + "\nappVersion: \"1.0\"\n");
    files.put(name + "/values.yaml", "image: nginx:1.27\ngreeting: hello\n");
    files.put(
        name + "/templates/deployment.yaml",
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}
          labels:
            app: {{ .Release.Name }}
        spec:
          replicas: 1
          selector:
            matchLabels:
              app: {{ .Release.Name }}
          template:
            metadata:
              labels:
                app: {{ .Release.Name }}
            spec:
              containers:
                - name: web
                  image: {{ .Values.image | quote }}
        """);
    return files;
  }

  private static byte[] tgz(Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, String> file : files.entrySet()) {
        byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
        // commons-compress normalises names it is given; this entry keeps the name as written
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey(), true);
        entry.setSize(content.length);
        entry.setModTime(System.currentTimeMillis());
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] tgzWithSymlink(String name, String path, String target) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      for (Map.Entry<String, String> file : goodChart(name, "0.1.0").entrySet()) {
        byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
      TarArchiveEntry link = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
      link.setLinkName(target);
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  private static Map<String, byte[]> untar(byte[] tgz) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(tgz)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        files.put(entry.getName(), tar.readAllBytes());
      }
    }
    return files;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> upload(
      WebTestClient api, Account owner, HttpMethod method, String uri, byte[] archive, int status) {
    // The body is written here with a fixed boundary: the client's own multipart writer seeds a
    // SecureRandom on its event loop, which BlockHound refuses in the test JVM.
    String boundary = "shipyard-chart-boundary-5c1e";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"chart\"; filename=\"chart.tgz\"\r\n"
                + "Content-Type: application/gzip\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(archive);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return api.method(method)
        .uri(uri)
        .headers(h -> h.setBearerAuth(owner.accessToken()))
        .contentType(new MediaType("multipart", "form-data", Map.of("boundary", boundary)))
        .bodyValue(body.toByteArray())
        .exchange()
        .expectStatus()
        .isEqualTo(status)
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  private static byte[] bytes(WebTestClient api, Account owner, String uri) {
    return api.get()
        .uri(uri)
        .headers(h -> h.setBearerAuth(owner.accessToken()))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(byte[].class)
        .returnResult()
        .getResponseBody();
  }

  private static String text(WebTestClient api, Account owner, String uri, int status) {
    return new String(
        api.get()
            .uri(uri)
            .headers(h -> h.setBearerAuth(owner.accessToken()))
            .exchange()
            .expectStatus()
            .isEqualTo(status)
            .expectBody(byte[].class)
            .returnResult()
            .getResponseBody(),
        StandardCharsets.UTF_8);
  }
}
