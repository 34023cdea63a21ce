package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.StoredCapsules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Batch export through the public API on the real platform (capsules-api.md §12): one workflow
 * exports each capsule into the S3 server; a foreign and a missing capsule are failed items with
 * the same text; the owner's links and the signed links download archives that the system's {@code
 * unzip} and {@code tar} extract to the stored files; a signed link needs no token, a tampered one
 * is refused, an expired one is gone.
 */
@ExtendWith(LocalPlatformExtension.class)
class BatchExportApiTest {

  /** Files of a capsule named {@code name}: text, nested, and a larger one. */
  private static List<SourceFile> files(String name) {
    return List.of(
        new SourceFile("README.md", "# " + name + "\n"),
        new SourceFile("app/main.py", "print('" + name + "')\n"),
        new SourceFile("app/nested/deep/data.txt", ("line of " + name + "\n").repeat(5000)));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aBatchOfFiveWithAForeignAndAMissingCapsule(
      WebTestClient api, LocalPlatform platform, @TempDir Path tmp) throws Exception {
    Account owner = Accounts.register(api, "batcher");
    Account stranger = Accounts.register(api, "stranger");
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String project = Accounts.unique("batch" + i);
      StoredCapsules.store(platform, owner, project, files(project));
      mine.add("cap-" + project);
    }
    String foreignProject = Accounts.unique("foreign");
    StoredCapsules.store(platform, stranger, foreignProject, files(foreignProject));
    String foreign = "cap-" + foreignProject;
    String missing = "cap-" + Accounts.unique("missing");

    List<String> ids = List.of(mine.get(0), foreign, mine.get(1), missing, mine.get(2));
    Map<String, Object> batch =
        Json.call(
            api,
            HttpMethod.POST,
            "/capsule/batch/export",
            owner.accessToken(),
            Map.of("capsule_ids", ids, "format", "zip"),
            200);
    assertThat(batch)
        .containsEntry("status", "completed")
        .containsEntry("format", "zip")
        .containsEntry("total", 5)
        .containsEntry("successful", 3)
        .containsEntry("failed", 2);
    List<Map<String, Object>> results = (List<Map<String, Object>>) batch.get("results");
    assertThat(results).extracting(r -> r.get("capsule_id")).containsExactlyElementsOf(ids);
    Map<String, Map<String, Object>> byId =
        results.stream().collect(Collectors.toMap(r -> (String) r.get("capsule_id"), r -> r));
    // the foreign capsule fails exactly like one that does not exist
    assertThat(byId.get(foreign)).containsEntry("status", "failed").containsEntry("url", null);
    assertThat(byId.get(missing)).containsEntry("status", "failed").containsEntry("url", null);
    assertThat(byId.get(foreign).get("error")).isEqualTo("Capsule " + foreign + " not found");
    assertThat(byId.get(missing).get("error")).isEqualTo("Capsule " + missing + " not found");
    assertThat(((String) byId.get(foreign).get("error")).replace(foreign, "X"))
        .isEqualTo(((String) byId.get(missing).get("error")).replace(missing, "X"));

    String batchId = (String) batch.get("batch_id");
    for (String id : mine) {
      Map<String, Object> item = byId.get(id);
      assertThat(item).containsEntry("status", "success").containsEntry("error", null);
      assertThat((String) item.get("url"))
          .isEqualTo("/capsule/" + id + "/download?batch_id=" + batchId);
      // the owner's link: the archive, extracted by the system's unzip, is the stored files
      EntityExchangeResult<byte[]> download = download(api, (String) item.get("url"), owner, 200);
      byte[] zip = download.getResponseBody();
      HttpHeaders headers = download.getResponseHeaders();
      assertThat(headers.getContentType().toString()).isEqualTo("application/zip");
      assertThat(headers.getContentLength()).isEqualTo(zip.length);
      assertThat(headers.getContentDisposition().getFilename()).isEqualTo(id + ".zip");
      assertThat(((Number) item.get("size")).longValue()).isEqualTo(zip.length);
      assertThat(item.get("sha256")).isEqualTo(sha256(zip));
      assertExtractsToTheStoredFiles(tmp, id, zip, "zip", files(id.substring("cap-".length())));

      // the signed link: no credentials, the same bytes
      String signed = (String) item.get("signed_url");
      assertThat(signed).startsWith(item.get("url") + "&expires=");
      OffsetDateTime expiresAt = OffsetDateTime.parse((String) item.get("expires_at"));
      assertThat(expiresAt.toInstant()).isAfter(Instant.now());
      assertThat(download(api, signed, null, 200).getResponseBody()).isEqualTo(zip);
    }

    // a tampered signature is refused; so are another capsule's and another batch's
    String signed = (String) byId.get(mine.get(0)).get("signed_url");
    String signature = signed.substring(signed.indexOf("&signature=") + "&signature=".length());
    String tampered = signed.substring(0, signed.length() - 1) + (signed.endsWith("0") ? "1" : "0");
    assertThat(errorCode(api, tampered, null, 403)).isEqualTo("DOWNLOAD_LINK_INVALID");
    assertThat(
            errorCode(
                api,
                signed.replace("/capsule/" + mine.get(0), "/capsule/" + mine.get(1)),
                null,
                403))
        .isEqualTo("DOWNLOAD_LINK_INVALID");
    long expires = Long.parseLong(signed.replaceAll(".*&expires=([0-9]+)&.*", "$1"));
    assertThat(
            errorCode(
                api,
                signed.replace("&expires=" + expires, "&expires=" + (expires + 3600)),
                null,
                403))
        .isEqualTo("DOWNLOAD_LINK_INVALID");
    // a genuine link past its expiry (signed with the platform's key) is gone
    String key =
        platform
            .apiContext()
            .getEnvironment()
            .getRequiredProperty("shipyard.capsules.batch.link-key");
    long past = Instant.now().getEpochSecond() - 60;
    String expired =
        "/capsule/"
            + mine.get(0)
            + "/download?batch_id="
            + batchId
            + "&expires="
            + past
            + "&signature="
            + hmac(key, mine.get(0) + "\n" + batchId + "\n" + past);
    assertThat(errorCode(api, expired, null, 410)).isEqualTo("DOWNLOAD_LINK_EXPIRED");
    assertThat(signature).hasSize(64);

    // without a token or a signature: 401; another user's token: the capsule does not exist
    errorCode(api, "/capsule/" + mine.get(0) + "/download", null, 401);
    assertThat(errorCode(api, "/capsule/" + mine.get(0) + "/download", stranger, 404))
        .isEqualTo("CAPSULE_NOT_FOUND");
    assertThat(errorCode(api, "/capsule/" + foreign + "/download", owner, 404))
        .isEqualTo("CAPSULE_NOT_FOUND");
    // the stranger's own capsule has no export of theirs
    assertThat(errorCode(api, "/capsule/" + foreign + "/download", stranger, 404))
        .isEqualTo("EXPORT_NOT_FOUND");

    // polling answers the same body; another user does not see the batch
    Map<String, Object> polled =
        Json.call(
            api,
            HttpMethod.GET,
            "/capsule/batch/export/" + batchId,
            owner.accessToken(),
            null,
            200);
    assertThat(polled).isEqualTo(batch);
    Json.call(
        api, HttpMethod.GET, "/capsule/batch/export/" + batchId, stranger.accessToken(), null, 404);

    // one run in workflow_runs, completed, through the one status path
    var jdbc = platform.workerContext().getBean(org.springframework.jdbc.core.JdbcTemplate.class);
    assertThat(
            jdbc.queryForMap(
                "SELECT kind, status, phase, owner_id FROM workflow_runs WHERE workflow_id = ?",
                "capsule-batch-export-" + batchId))
        .containsEntry("kind", "capsule-batch-export")
        .containsEntry("status", "completed")
        .containsEntry("phase", "completed")
        .containsEntry("owner_id", owner.id());

    // tar.gz: the latest export of the capsule is served without batch_id; tar extracts it
    Map<String, Object> tarBatch =
        Json.call(
            api,
            HttpMethod.POST,
            "/capsule/batch/export",
            owner.accessToken(),
            Map.of("capsule_ids", List.of(mine.get(1)), "format", "tar.gz"),
            200);
    assertThat(tarBatch).containsEntry("successful", 1).containsEntry("failed", 0);
    EntityExchangeResult<byte[]> latest =
        download(api, "/capsule/" + mine.get(1) + "/download", owner, 200);
    assertThat(latest.getResponseHeaders().getContentType().toString())
        .isEqualTo("application/gzip");
    assertThat(latest.getResponseHeaders().getContentDisposition().getFilename())
        .isEqualTo(mine.get(1) + ".tar.gz");
    assertExtractsToTheStoredFiles(
        tmp,
        mine.get(1) + "-tar",
        latest.getResponseBody(),
        "tar.gz",
        files(mine.get(1).substring("cap-".length())));
    // the first batch's zip is still there by its batch ID
    assertThat(
            download(api, "/capsule/" + mine.get(1) + "/download?batch_id=" + batchId, owner, 200)
                .getResponseHeaders()
                .getContentType()
                .toString())
        .isEqualTo("application/zip");
  }

  @Test
  void badBatchesAreRefusedAndNothingStarts(WebTestClient api, LocalPlatform platform) {
    Account owner = Accounts.register(api, "badbatch");
    assertThat(post(api, owner, Map.of("capsule_ids", List.of(), "format", "zip"), 422))
        .containsEntry("error_code", "VALIDATION_ERROR");
    List<String> tooMany =
        IntStream.range(0, 51).mapToObj(i -> "cap-" + i).collect(Collectors.toList());
    assertThat(post(api, owner, Map.of("capsule_ids", tooMany, "format", "zip"), 422))
        .containsEntry("error_code", "VALIDATION_ERROR");
    post(api, owner, Map.of("capsule_ids", List.of("cap-a", "cap-a"), "format", "zip"), 422);
    post(api, owner, Map.of("capsule_ids", List.of("../etc"), "format", "zip"), 422);
    post(api, owner, Map.of("capsule_ids", List.of("cap-a")), 422);
    post(api, owner, Map.of("capsule_ids", List.of("cap-a"), "format", "zip", "x", 1), 422);
    Map<String, Object> rar =
        post(api, owner, Map.of("capsule_ids", List.of("cap-a"), "format", "rar"), 400);
    assertThat(rar).containsEntry("error_code", "BAD_REQUEST");
    assertThat((String) rar.get("detail")).contains("tar.gz").contains("zip");
    Json.call(
        api,
        HttpMethod.POST,
        "/capsule/batch/export",
        null,
        Map.of("capsule_ids", List.of("cap-a"), "format", "zip"),
        401);
    var jdbc = platform.workerContext().getBean(org.springframework.jdbc.core.JdbcTemplate.class);
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM capsule_batch_exports WHERE owner_id = ?::uuid",
                Long.class,
                owner.id()))
        .isZero();
    Json.call(
        api, HttpMethod.GET, "/capsule/batch/export/not-a-uuid", owner.accessToken(), null, 404);
  }

  @Test
  void fiveBatchCallsPerMinutePerUser(WebTestClient api, LocalPlatform platform) {
    // The suite's API has limits out of reach; an instance of its own has the documented 5.
    ConfigurableApplicationContext limited =
        platform.startAnotherApi(
            Map.of("shipyard.rate-limit.window", "1h", "shipyard.rate-limit.batch", 5));
    try {
      WebTestClient instance =
          LocalPlatformExtension.client("http://127.0.0.1:" + LocalPlatform.httpPort(limited));
      Account owner = Accounts.register(api, "batchlimit");
      Map<String, Object> refused = Map.of("capsule_ids", List.of(), "format", "zip");
      for (int i = 0; i < 5; i++) {
        post(instance, owner, refused, 422);
      }
      assertThat(post(instance, owner, refused, 429))
          .containsEntry("error_code", "RATE_LIMIT_EXCEEDED");
      // another user has a bucket of their own
      post(instance, Accounts.register(api, "batchlimit2"), refused, 422);
    } finally {
      limited.close();
    }
  }

  private static Map<String, Object> post(
      WebTestClient api, Account owner, Map<String, Object> body, int status) {
    return Json.call(
        api, HttpMethod.POST, "/capsule/batch/export", owner.accessToken(), body, status);
  }

  private static EntityExchangeResult<byte[]> download(
      WebTestClient api, String url, Account caller, int status) {
    return api.get()
        .uri(url)
        .headers(h -> bearer(h, caller))
        .exchange()
        .expectStatus()
        .isEqualTo(status)
        .expectBody(byte[].class)
        .returnResult();
  }

  private static String errorCode(WebTestClient api, String url, Account caller, int status) {
    Map<String, Object> body =
        Json.call(
            api, HttpMethod.GET, url, caller == null ? null : caller.accessToken(), null, status);
    assertThat(body).containsKeys("detail", "error_code", "timestamp", "request_id");
    return (String) body.get("error_code");
  }

  private static void bearer(HttpHeaders headers, Account caller) {
    if (caller != null) {
      headers.setBearerAuth(caller.accessToken());
    }
  }

  /** Extracts {@code archive} with the system's unzip or tar and compares with {@code files}. */
  private static void assertExtractsToTheStoredFiles(
      Path tmp, String name, byte[] archive, String format, List<SourceFile> files)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Path file = tmp.resolve(name + "." + format);
    Files.write(file, archive);
    List<String> command =
        format.equals("zip")
            ? List.of("unzip", "-q", file.toString(), "-d", dir.toString())
            : List.of("tar", "xzf", file.toString(), "-C", dir.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    Map<String, String> extracted = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        extracted.put(dir.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    assertThat(extracted)
        .isEqualTo(
            files.stream()
                .collect(
                    Collectors.toMap(
                        SourceFile::path, SourceFile::content, (a, b) -> a, LinkedHashMap::new)));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static String hmac(String key, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
  }
}
