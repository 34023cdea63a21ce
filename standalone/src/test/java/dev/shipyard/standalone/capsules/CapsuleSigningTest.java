package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.shipyard.activities.capsules.CapsuleVersionRows;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.LogCapture;
import dev.shipyard.standalone.testing.StoredCapsules;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.workflows.capsules.FileSet;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Signing anyone can verify (issue 12 part 5), through HTTP on the local platform: the tenant's
 * Ed25519 signature verifies through the API and with the system {@code openssl} over the bytes of
 * the manifest endpoint and the PEM of the keys endpoint; one byte changed in one file of a new
 * version, or a stored blob altered, makes verification fail naming that file; HMAC-SHA256 with the
 * caller's key from the query string, the body or the header, the key in no log line and no row;
 * the private key sealed at rest; who may sign, rotate and read.
 */
@ExtendWith(LocalPlatformExtension.class)
class CapsuleSigningTest {

  @Test
  void ed25519SignaturesVerifyThroughTheApiAndWithOpenssl(
      LocalPlatform platform, WebTestClient api, @TempDir Path dir) throws Exception {
    Account owner = Accounts.register(api, "signer");
    Stored capsule = store(platform, owner, "sign", files("v1"));

    Map<String, Object> signed = sign(api, owner, capsule.id(), "", null, 200);
    assertThat(signed)
        .containsEntry("capsule_id", capsule.id())
        .containsEntry("version_id", capsule.versionId())
        .containsEntry("algorithm", "Ed25519")
        .containsEntry("manifest_sha256", capsule.set().digest());
    assertThat((String) signed.get("signature_id")).startsWith("sig-");
    assertThat((String) signed.get("key_id")).matches("[0-9a-f]{16}");
    String signature = (String) signed.get("signature");
    assertThat(Base64.getDecoder().decode(signature)).hasSize(64);

    // Through the API: the signature as such, and the stored one by ID.
    Map<String, Object> valid =
        verify(api, owner, capsule.id(), Map.of("signature", signature), 200);
    assertThat(valid)
        .containsEntry("valid", true)
        .containsEntry("key_id", signed.get("key_id"))
        .containsEntry("signature_id", signed.get("signature_id"))
        .containsEntry("version_id", capsule.versionId())
        .containsEntry("mismatched_files", List.of());
    assertThat(
            Json.call(
                api,
                HttpMethod.GET,
                "/capsule/" + capsule.id() + "/verify?signature_id=" + signed.get("signature_id"),
                owner.accessToken(),
                null,
                200))
        .containsEntry("valid", true);

    // Offline: the manifest's exact bytes, the PEM, and the system's openssl.
    EntityExchangeResult<byte[]> manifest =
        api.get()
            .uri("/capsule/" + capsule.id() + "/manifest")
            .headers(h -> h.setBearerAuth(owner.accessToken()))
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentType(MediaType.APPLICATION_JSON)
            .expectBody(byte[].class)
            .returnResult();
    byte[] manifestBytes = manifest.getResponseBody();
    assertThat(manifest.getResponseHeaders().getFirst("X-Manifest-SHA256"))
        .isEqualTo(FileManifest.sha256(manifestBytes))
        .isEqualTo(capsule.set().digest());
    BlobStore blobs = platform.workerContext().getBean(BlobStore.class);
    assertThat(manifestBytes)
        .as("the stored manifest object, byte for byte")
        .isEqualTo(blobs.get(capsule.set().manifestKey()).orElseThrow());

    Map<String, Object> keys =
        Json.call(api, HttpMethod.GET, "/capsules/signing-keys", owner.accessToken(), null, 200);
    assertThat(keys).containsEntry("tenant_id", owner.tenantId());
    assertThat(listOfMaps(keys.get("keys")))
        .anySatisfy(
            k ->
                assertThat(k)
                    .containsEntry("key_id", signed.get("key_id"))
                    .containsEntry("algorithm", "Ed25519"));
    byte[] pem =
        api.get()
            .uri("/capsules/signing-keys/" + signed.get("key_id"))
            .accept(MediaType.parseMediaType("application/x-pem-file"))
            .headers(h -> h.setBearerAuth(owner.accessToken()))
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentType("application/x-pem-file")
            .expectBody(byte[].class)
            .returnResult()
            .getResponseBody();
    assertThat(new String(pem, StandardCharsets.US_ASCII)).startsWith("-----BEGIN PUBLIC KEY-----");
    Json.call(
        api,
        HttpMethod.GET,
        "/capsules/signing-keys/" + signed.get("key_id"),
        owner.accessToken(),
        null,
        200);

    Files.write(dir.resolve("pub.pem"), pem);
    Files.write(dir.resolve("manifest.json"), manifestBytes);
    Files.write(dir.resolve("sig.bin"), Base64.getDecoder().decode(signature));
    Openssl ok = openssl(dir, "manifest.json");
    assertThat(ok.output()).contains("Signature Verified Successfully");
    assertThat(ok.exit()).isZero();

    byte[] flipped = manifestBytes.clone();
    flipped[flipped.length / 2] ^= 0x01;
    Files.write(dir.resolve("flipped.json"), flipped);
    Openssl bad = openssl(dir, "flipped.json");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.output()).doesNotContain("Signature Verified Successfully");

    // The private key at rest is sealed, and what it seals is the key that signed.
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    String sealed =
        jdbc.queryForObject(
            "SELECT private_key_sealed FROM capsule_signing_keys WHERE tenant_id = ? AND key_id = ?",
            String.class,
            owner.tenantId(),
            signed.get("key_id"));
    assertThat(sealed).startsWith("v1.");
    String pkcs8 =
        platform
            .apiContext()
            .getBean(SecretBox.class)
            .open("capsule-signing:" + owner.tenantId() + ":" + signed.get("key_id"), sealed);
    byte[] pkcs8Der = Base64.getDecoder().decode(pkcs8);
    assertThat(sealed)
        .doesNotContain(pkcs8)
        .doesNotContain(HexFormat.of().formatHex(pkcs8Der))
        .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(pkcs8Der));
    Signature ed = Signature.getInstance("Ed25519");
    ed.initSign(
        KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8Der)));
    ed.update(manifestBytes);
    assertThat(Base64.getEncoder().encodeToString(ed.sign())).isEqualTo(signature);
    Signature check = Signature.getInstance("Ed25519");
    check.initVerify(
        KeyFactory.getInstance("Ed25519")
            .generatePublic(
                new X509EncodedKeySpec(
                    Base64.getMimeDecoder()
                        .decode(
                            new String(pem, StandardCharsets.US_ASCII)
                                .replaceAll("-----[A-Z ]+-----", "")))));
    check.update(manifestBytes);
    assertThat(check.verify(Base64.getDecoder().decode(signature))).isTrue();
  }

  @Test
  void oneByteChangedInOneFileOfANewVersionIsNamed(LocalPlatform platform, WebTestClient api) {
    Account owner = Accounts.register(api, "signer");
    Stored capsule = store(platform, owner, "change", files("v1"));
    Map<String, Object> signed = sign(api, owner, capsule.id(), "", null, 200);

    List<SourceFile> changed = new ArrayList<>(files("v1"));
    SourceFile app = changed.get(1);
    changed.set(1, new SourceFile(app.path(), app.content().replace("x = 1", "x = 2")));
    String v2 = newVersion(platform, capsule, changed);

    Map<String, Object> v2check =
        verify(
            api,
            owner,
            capsule.id(),
            Map.of("signature", signed.get("signature"), "version_id", v2),
            200);
    assertThat(v2check)
        .containsEntry("valid", false)
        .containsEntry("version_id", v2)
        .containsEntry("mismatched_files", List.of("src/app.py"))
        .containsEntry("signature_id", signed.get("signature_id"));
    assertThat((String) v2check.get("reason")).contains("src/app.py").contains(capsule.versionId());
    // The head of main is version 2 now, so the default checks it too; version 1 still holds.
    assertThat(verify(api, owner, capsule.id(), Map.of("signature", signed.get("signature")), 200))
        .containsEntry("valid", false)
        .containsEntry("mismatched_files", List.of("src/app.py"));
    String byId = "/capsule/" + capsule.id() + "/verify?signature_id=" + signed.get("signature_id");
    assertThat(Json.call(api, HttpMethod.GET, byId, owner.accessToken(), null, 200))
        .containsEntry("valid", true)
        .containsEntry("version_id", capsule.versionId());
    assertThat(
            Json.call(
                api, HttpMethod.GET, byId + "&version_id=" + v2, owner.accessToken(), null, 200))
        .containsEntry("valid", false)
        .containsEntry("mismatched_files", List.of("src/app.py"));
    // Signing version 2 gives a signature that holds for it.
    Map<String, Object> signedV2 = sign(api, owner, capsule.id(), "?version_id=" + v2, null, 200);
    assertThat(signedV2.get("manifest_sha256")).isNotEqualTo(signed.get("manifest_sha256"));
    assertThat(
            verify(
                api,
                owner,
                capsule.id(),
                Map.of("signature", signedV2.get("signature"), "version_id", v2),
                200))
        .containsEntry("valid", true);
  }

  @Test
  void aStoredBlobThatNoLongerMatchesItsHashIsNamed(LocalPlatform platform, WebTestClient api) {
    Account owner = Accounts.register(api, "signer");
    // Content of its own: blobs are shared by content, and this test alters one.
    List<SourceFile> files = files(UUID.randomUUID().toString());
    Stored capsule = store(platform, owner, "tamper", files);
    Map<String, Object> signed = sign(api, owner, capsule.id(), "", null, 200);

    String key = BlobStore.contentKey(FileManifest.sha256(bytes(files.get(0).content())));
    byte[] altered = bytes(files.get(0).content() + " ");
    platform
        .workerContext()
        .getBean(BlobStore.class)
        .put(key, new ByteArrayInputStream(altered), altered.length, "text/plain");

    Map<String, Object> check =
        verify(api, owner, capsule.id(), Map.of("signature", signed.get("signature")), 200);
    assertThat(check)
        .containsEntry("valid", false)
        .containsEntry("mismatched_files", List.of(files.get(0).path()));
    assertThat((String) check.get("reason")).contains(files.get(0).path()).contains("hash");

    // An altered manifest object is not trusted either (its bytes no longer match the digest).
    byte[] manifest = bytes("{}");
    platform
        .workerContext()
        .getBean(BlobStore.class)
        .put(
            capsule.set().manifestKey(), new ByteArrayInputStream(manifest), 2, "application/json");
    Map<String, Object> noManifest =
        verify(api, owner, capsule.id(), Map.of("signature", signed.get("signature")), 200);
    assertThat(noManifest).containsEntry("valid", false);
    assertThat((String) noManifest.get("reason")).contains("no longer matches its digest");
  }

  @Test
  void hmacWithTheCallersKeyFromQueryBodyOrHeaderIsNeverLoggedOrStored(
      LocalPlatform platform, WebTestClient api) throws Exception {
    Account owner = Accounts.register(api, "hmac");
    Stored capsule = store(platform, owner, "hmac", files("v1"));
    byte[] manifest =
        platform
            .workerContext()
            .getBean(BlobStore.class)
            .get(capsule.set().manifestKey())
            .orElseThrow();
    String inQuery = "query-key-" + UUID.randomUUID();
    String inBody = "body-key-" + UUID.randomUUID();
    String inHeader = "header-key-" + UUID.randomUUID();
    String cap = "/capsule/" + capsule.id();

    List<ILoggingEvent> events;
    Map<String, Object> byQuery;
    Map<String, Object> byBody;
    Map<String, Object> byHeader;
    try (LogCapture capture = new LogCapture(LogCapture.PLATFORM_LOGGERS)) {
      byQuery = sign(api, owner, capsule.id(), "?private_key=" + inQuery, null, 200);
      byBody =
          Json.call(
              api,
              HttpMethod.POST,
              cap + "/sign",
              owner.accessToken(),
              Map.of("algorithm", "HMAC-SHA256", "private_key", inBody),
              200);
      byHeader = sign(api, owner, capsule.id(), "?algorithm=HMAC-SHA256", inHeader, 200);

      // Verification with the key in the body, the header and the query string.
      assertThat(
              verify(
                  api,
                  owner,
                  capsule.id(),
                  Map.of("signature", byQuery.get("signature"), "key", inQuery),
                  200))
          .containsEntry("valid", true)
          .containsEntry("algorithm", "HMAC-SHA256")
          .containsEntry("signature_id", byQuery.get("signature_id"));
      assertThat(
              api.post()
                  .uri(cap + "/verify")
                  .headers(
                      h -> {
                        h.setBearerAuth(owner.accessToken());
                        h.set("X-Signing-Key", inBody);
                      })
                  .contentType(MediaType.APPLICATION_JSON)
                  .bodyValue(Map.of("signature", byBody.get("signature")))
                  .exchange()
                  .expectStatus()
                  .isOk()
                  .expectBody(Map.class)
                  .returnResult()
                  .getResponseBody())
          .containsEntry("valid", true);
      assertThat(
              Json.call(
                  api,
                  HttpMethod.POST,
                  cap + "/verify?private_key=" + inHeader,
                  owner.accessToken(),
                  Map.of("signature", byHeader.get("signature")),
                  200))
          .containsEntry("valid", true);
      assertThat(
              Json.call(
                  api,
                  HttpMethod.GET,
                  cap
                      + "/verify?signature_id="
                      + byQuery.get("signature_id")
                      + "&private_key="
                      + inQuery,
                  owner.accessToken(),
                  null,
                  200))
          .containsEntry("valid", true);
      // The wrong key: invalid, and said so.
      Map<String, Object> wrong =
          verify(
              api,
              owner,
              capsule.id(),
              Map.of("signature", byQuery.get("signature"), "key", inBody),
              200);
      assertThat(wrong).containsEntry("valid", false);
      assertThat((String) wrong.get("reason")).contains("HMAC-SHA256").contains("key");
      // Two different keys at once, a key for Ed25519, HMAC without a key: 400, nothing stored.
      assertThat(sign(api, owner, capsule.id(), "?private_key=" + inQuery, inBody, 400))
          .containsEntry("error_code", "BAD_REQUEST");
      sign(api, owner, capsule.id(), "?algorithm=Ed25519&private_key=" + inQuery, null, 400);
      sign(api, owner, capsule.id(), "?algorithm=HMAC-SHA256", null, 400);
      sign(api, owner, capsule.id(), "?algorithm=RSA", null, 400);
      events = capture.events();
    }

    for (Map<String, Object> signed : List.of(byQuery, byBody, byHeader)) {
      assertThat(signed).containsEntry("algorithm", "HMAC-SHA256").containsEntry("key_id", null);
    }
    assertThat(byQuery.get("signature")).isEqualTo(hmac(inQuery, manifest));
    assertThat(byBody.get("signature")).isEqualTo(hmac(inBody, manifest));
    assertThat(byHeader.get("signature")).isEqualTo(hmac(inHeader, manifest));

    List<String> lines =
        events.stream()
            .filter(CapsuleSigningTest::fromThePlatform)
            .map(LogCapture::render)
            .toList();
    assertThat(lines)
        .as("the capture saw the requests (Spring logs each request line at DEBUG)")
        .anyMatch(l -> l.contains(cap + "/sign"));
    for (String key : List.of(inQuery, inBody, inHeader)) {
      assertThat(lines).as("log lines holding a signing key").noneMatch(l -> l.contains(key));
    }

    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM capsule_signatures WHERE capsule_id = ?",
                Integer.class,
                capsule.id()))
        .as("three signatures, nothing from the refused requests")
        .isEqualTo(3);
    String rows =
        String.join(
            "\n",
            jdbc.queryForList(
                "SELECT s::text FROM capsule_signatures s WHERE capsule_id = ?",
                String.class,
                capsule.id()));
    String audit =
        String.join("\n", jdbc.queryForList("SELECT a::text FROM audit_events a", String.class));
    for (String key : List.of(inQuery, inBody, inHeader)) {
      assertThat(rows).doesNotContain(key);
      assertThat(audit).doesNotContain(key);
    }
  }

  @Test
  void ownersAndAdminsSignViewersAndStrangersDoNotAndRotationKeepsOldKeys(
      LocalPlatform platform, WebTestClient api) {
    Account operator = Accounts.operator(api);
    Account owner = Accounts.register(api, "signer");
    Account stranger = Accounts.register(api, "stranger");
    Account viewer = Accounts.create(api, operator, "viewer", "viewer");
    Stored capsule = store(platform, owner, "perm", files("v1"));

    assertThat(sign(api, viewer, capsule.id(), "", null, 403)).containsKey("error_code");
    sign(api, stranger, capsule.id(), "", null, 404);
    verify(api, stranger, capsule.id(), Map.of("signature", "sha256:00", "key", "k"), 404);
    Json.call(
        api,
        HttpMethod.GET,
        "/capsule/" + capsule.id() + "/manifest",
        stranger.accessToken(),
        null,
        404);
    Map<String, Object> before = sign(api, owner, capsule.id(), "", null, 200);
    // An admin of the tenant signs too.
    assertThat(sign(api, operator, capsule.id(), "", null, 200))
        .containsEntry("key_id", before.get("key_id"));

    Json.call(
        api, HttpMethod.POST, "/capsules/signing-keys/rotate", owner.accessToken(), null, 403);
    Json.call(
        api, HttpMethod.POST, "/capsules/signing-keys/rotate", viewer.accessToken(), null, 403);
    Map<String, Object> rotated =
        Json.call(
            api,
            HttpMethod.POST,
            "/capsules/signing-keys/rotate",
            operator.accessToken(),
            null,
            201);
    assertThat(rotated).containsEntry("active", true).containsEntry("algorithm", "Ed25519");
    assertThat(rotated.get("key_id")).isNotEqualTo(before.get("key_id"));

    List<Map<String, Object>> keys =
        listOfMaps(
            Json.call(
                    api, HttpMethod.GET, "/capsules/signing-keys", viewer.accessToken(), null, 200)
                .get("keys"));
    assertThat(keys)
        .anySatisfy(
            k ->
                assertThat(k)
                    .containsEntry("key_id", rotated.get("key_id"))
                    .containsEntry("active", true))
        .anySatisfy(
            k ->
                assertThat(k)
                    .containsEntry("key_id", before.get("key_id"))
                    .containsEntry("active", false));
    assertThat(keys.stream().filter(k -> Boolean.TRUE.equals(k.get("active")))).hasSize(1);

    Map<String, Object> after = sign(api, owner, capsule.id(), "", null, 200);
    assertThat(after).containsEntry("key_id", rotated.get("key_id"));
    // What the retired key signed still verifies, and names it.
    assertThat(verify(api, owner, capsule.id(), Map.of("signature", before.get("signature")), 200))
        .containsEntry("valid", true)
        .containsEntry("key_id", before.get("key_id"));
    assertThat(
            verify(
                api,
                owner,
                capsule.id(),
                Map.of("signature", before.get("signature"), "key_id", rotated.get("key_id")),
                200))
        .containsEntry("valid", false);
    Json.call(
        api,
        HttpMethod.GET,
        "/capsules/signing-keys/0000000000000000",
        owner.accessToken(),
        null,
        404);
    Json.call(
        api,
        HttpMethod.GET,
        "/capsule/" + capsule.id() + "/verify?signature_id=sig-nope",
        owner.accessToken(),
        null,
        404);
    assertThat(verify(api, owner, capsule.id(), Map.of("signature", "not base64!"), 400))
        .containsEntry("error_code", "BAD_REQUEST");
  }

  @Test
  void aTenantsFirstSignaturesAtOnceShareOneNewKeyOfItsOwn(
      LocalPlatform platform, WebTestClient api) throws Exception {
    Account operator = Accounts.operator(api);
    String tenant = Accounts.unique("signing").toLowerCase();
    String adminName = Accounts.unique("admin");
    Json.call(
        api,
        HttpMethod.POST,
        "/v1/admin/tenants",
        operator.accessToken(),
        Map.of(
            "id",
            tenant,
            "name",
            "Signing tenant",
            "admin",
            Map.of(
                "username",
                adminName,
                "email",
                adminName + "@signing.test",
                "password",
                Accounts.PASSWORD,
                "role",
                "admin")),
        201);
    Account admin = Accounts.login(api, adminName + "@signing.test", Accounts.PASSWORD);
    assertThat(admin.tenantId()).isEqualTo(tenant);
    assertThat(
            listOfMaps(
                Json.call(
                        api,
                        HttpMethod.GET,
                        "/capsules/signing-keys",
                        admin.accessToken(),
                        null,
                        200)
                    .get("keys")))
        .as("no key before the first signature")
        .isEmpty();
    Stored capsule = store(platform, admin, "race", files("race"));

    int callers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Map<String, Object>>> results = new ArrayList<>();
    try {
      for (int i = 0; i < callers; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return sign(api, admin, capsule.id(), "", null, 200);
                }));
      }
      start.countDown();
      Set<Object> keyIds = new HashSet<>();
      for (Future<Map<String, Object>> result : results) {
        keyIds.add(result.get(60, TimeUnit.SECONDS).get("key_id"));
      }
      assertThat(keyIds).hasSize(1);
      JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
      assertThat(
              jdbc.queryForObject(
                  "SELECT count(*) FROM capsule_signing_keys WHERE tenant_id = ?",
                  Integer.class,
                  tenant))
          .isEqualTo(1);
      // Another tenant's keys are not this tenant's to read.
      Account other = Accounts.register(api, "signer");
      Map<String, Object> otherSigned =
          sign(api, other, store(platform, other, "other", files("o")).id(), "", null, 200);
      assertThat(otherSigned.get("key_id")).isNotIn(keyIds);
      Json.call(
          api,
          HttpMethod.GET,
          "/capsules/signing-keys/" + otherSigned.get("key_id"),
          admin.accessToken(),
          null,
          404);
    } finally {
      pool.shutdownNow();
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  record Stored(String id, String versionId, FileSet set) {}

  record Openssl(int exit, String output) {}

  private static List<SourceFile> files(String marker) {
    return List.of(
        new SourceFile("README.md", "# signed " + marker + "\n"),
        new SourceFile("src/app.py", "x = 1\nprint(x)  # " + marker + "\n"),
        new SourceFile("src/util/helpers.py", "def helper():\n    return 42\n"));
  }

  /** A stored capsule of {@code owner} with version 1 on main, as a generation leaves it. */
  private static Stored store(
      LocalPlatform platform, Account owner, String prefix, List<SourceFile> files) {
    String project = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    StoredCapsules.store(platform, owner, project, files);
    FileSet set = new ProjectFiles(platform.workerContext().getBean(BlobStore.class)).save(files);
    String id = "cap-" + project;
    CapsuleVersionRows.writeInitial(platform.workerContext().getBean(JdbcTemplate.class), id, set);
    return new Stored(id, CapsuleVersionRows.initialVersionId(id), set);
  }

  /** Version 2 of {@code capsule} on main with {@code files}, as version creation writes it. */
  private static String newVersion(LocalPlatform platform, Stored capsule, List<SourceFile> files) {
    FileSet set = new ProjectFiles(platform.workerContext().getBean(BlobStore.class)).save(files);
    String id = "ver-" + UUID.randomUUID();
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    jdbc.update(
        "INSERT INTO capsule_versions (id, capsule_id, number, parent_id, branch, author, message,"
            + " manifest_sha256, manifest_key, file_count, total_size_bytes)"
            + " VALUES (?, ?, 2, ?, 'main', 'tester', 'one byte', ?, ?, ?, ?)",
        id,
        capsule.id(),
        capsule.versionId(),
        set.digest(),
        set.manifestKey(),
        set.fileCount(),
        set.totalBytes());
    jdbc.update(
        "UPDATE capsule_branches SET head_version_id = ? WHERE capsule_id = ? AND name = 'main'",
        id,
        capsule.id());
    return id;
  }

  private static Map<String, Object> sign(
      WebTestClient api,
      Account caller,
      String capsuleId,
      String query,
      String header,
      int status) {
    return api.post()
        .uri("/capsule/" + capsuleId + "/sign" + query)
        .headers(
            h -> {
              h.setBearerAuth(caller.accessToken());
              if (header != null) {
                h.set("X-Signing-Key", header);
              }
            })
        .exchange()
        .expectStatus()
        .isEqualTo(status)
        .expectBody(
            new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {})
        .returnResult()
        .getResponseBody();
  }

  private static Map<String, Object> verify(
      WebTestClient api, Account caller, String capsuleId, Map<String, Object> body, int status) {
    return Json.call(
        api,
        HttpMethod.POST,
        "/capsule/" + capsuleId + "/verify",
        caller.accessToken(),
        body,
        status);
  }

  /** The command the README gives, run in {@code dir}. */
  private static Openssl openssl(Path dir, String manifest) throws Exception {
    Process process =
        new ProcessBuilder(
                "openssl",
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                "pub.pem",
                "-rawin",
                "-in",
                manifest,
                "-sigfile",
                "sig.bin")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Openssl(process.exitValue(), output);
  }

  private static String hmac(String key, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256:" + HexFormat.of().formatHex(mac.doFinal(message));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> listOfMaps(Object value) {
    return (List<Map<String, Object>>) value;
  }

  /**
   * Leaves out what the test side logs: its WebTestClient (request lines and codecs, on
   * reactor-netty's global client threads or the test thread); the platform's API has its own event
   * loops, named webflux-http-*.
   */
  private static boolean fromThePlatform(ILoggingEvent event) {
    String logger = event.getLoggerName();
    boolean testClientCodec =
        event.getThreadName().startsWith("reactor-http-")
            && logger.startsWith("org.springframework.http.codec");
    return !testClientCodec
        && !logger.startsWith("org.springframework.web.reactive.function.client")
        && !logger.startsWith("org.springframework.test.web.reactive.server");
  }
}
