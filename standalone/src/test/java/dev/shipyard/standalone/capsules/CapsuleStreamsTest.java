package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.api.capsules.archives.CapsuleArchives;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.ContentAddress;
import dev.shipyard.storage.FileManifest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * capsules-api.md §5–6 and the v2 streaming export on the real platform: a generated capsule
 * streamed as tar.gz and zip is what the system {@code tar} and {@code unzip} extract, byte for
 * byte equal to the stored blobs; the same version streams to the same bytes every time and on
 * every endpoint; the digest header is the version's manifest digest; a client that disconnects
 * stops the writing; bad parameters are 400s.
 */
@ExtendWith(LocalPlatformExtension.class)
class CapsuleStreamsTest {

  private static final Map<String, Object> FASTAPI =
      Map.of(
          "description",
          "Create a FastAPI microservice for user management",
          "constraints",
          Map.of("language", "python", "framework", "fastapi", "database", "postgresql"),
          "metadata",
          Map.of("target_score", 0.9, "save_to_disk", false));

  /** An archive as received: its headers and bytes. */
  record Received(HttpHeaders headers, byte[] bytes) {
    String sha256() {
      return FileManifest.sha256(bytes);
    }
  }

  @Test
  void aGeneratedCapsuleStreamsToTheStoredFilesReproduciblyOnEveryEndpoint(
      WebTestClient api, LocalPlatform platform, @TempDir Path dir) throws Exception {
    Account owner = Accounts.register(api, "streams");
    // Generation may outlast the synchronous wait on a busy machine: 200 or 202, then its version.
    EntityExchangeResult<Map<String, Object>> created =
        api.mutate()
            .responseTimeout(Duration.ofMinutes(3))
            .build()
            .post()
            .uri("/generate/robust-capsule")
            .headers(h -> h.setBearerAuth(owner.accessToken()))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(FASTAPI)
            .exchange()
            .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
            .returnResult();
    assertThat(created.getStatus().value()).isIn(200, 202);
    String capsuleId = (String) created.getResponseBody().get("capsule_id");
    JdbcTemplate workerDb = platform.workerContext().getBean(JdbcTemplate.class);
    await(
        () ->
            workerDb.queryForObject(
                    "SELECT count(*) FROM capsule_versions WHERE capsule_id = ?",
                    Integer.class,
                    capsuleId)
                > 0,
        Duration.ofMinutes(3),
        "version 1 of the generated capsule is stored");

    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    Map<String, Object> version =
        jdbc.queryForMap(
            "SELECT id, manifest_sha256, manifest_key FROM capsule_versions"
                + " WHERE capsule_id = ? AND number = 1",
            capsuleId);
    BlobStore blobs = platform.workerContext().getBean(BlobStore.class);
    byte[] manifestBytes = blobs.get((String) version.get("manifest_key")).orElseThrow();
    FileManifest manifest = FileManifest.parse(manifestBytes);
    assertThat(FileManifest.sha256(manifestBytes)).isEqualTo(version.get("manifest_sha256"));
    Map<String, byte[]> stored = new TreeMap<>();
    for (FileManifest.Entry e : manifest.entries()) {
      stored.put(e.path(), blobs.get(e.blobKey()).orElseThrow());
    }
    assertThat(stored).hasSizeGreaterThan(5).containsKey("Dockerfile");

    String base = "/capsule/" + capsuleId;
    Received tarGz = get(api, owner, base + "/stream?format=tar.gz");
    assertThat(tarGz.headers().getContentType())
        .isEqualTo(MediaType.parseMediaType("application/gzip"));
    assertThat(tarGz.headers().getContentDisposition().getType()).isEqualTo("attachment");
    assertThat(tarGz.headers().getContentDisposition().getFilename())
        .isEqualTo(capsuleId + "-v1.tar.gz");
    assertThat(tarGz.headers().getFirst("X-Capsule-Manifest-Sha256"))
        .isEqualTo(version.get("manifest_sha256"));
    assertThat(tarGz.headers().getFirst("X-Capsule-Version")).isEqualTo(version.get("id"));
    assertThat(tarGz.headers().getFirst("X-Capsule-Version-Number")).isEqualTo("1");
    assertThat(extract(dir, tarGz.bytes(), "capsule.tar.gz", "tar", "-xzf"))
        .containsExactlyEntriesOf(stored);

    Received zip = get(api, owner, base + "/stream?format=zip&chunk_size=1024");
    assertThat(zip.headers().getContentType())
        .isEqualTo(MediaType.parseMediaType("application/zip"));
    assertThat(zip.headers().getContentDisposition().getFilename())
        .isEqualTo(capsuleId + "-v1.zip");
    assertThat(zip.headers().getFirst("X-Capsule-Manifest-Sha256"))
        .isEqualTo(version.get("manifest_sha256"));
    assertThat(extract(dir, zip.bytes(), "capsule.zip", "unzip", "-q"))
        .containsExactlyEntriesOf(stored);

    // Reproducible: the same version, streamed again (other chunk sizes, by its ID), same bytes.
    assertThat(
            get(api, owner, base + "/stream?chunk_size=65536&version_id=" + version.get("id"))
                .sha256())
        .isEqualTo(tarGz.sha256());
    assertThat(get(api, owner, base + "/stream?format=zip").sha256()).isEqualTo(zip.sha256());
    // The same zip from the export endpoint and from the v2 export.
    Received exported = get(api, owner, base + "/export/zip");
    assertThat(exported.sha256()).isEqualTo(zip.sha256());
    assertThat(exported.headers().getContentType())
        .isEqualTo(MediaType.parseMediaType("application/zip"));
    assertThat(exported.headers().getFirst("X-Capsule-Manifest-Sha256"))
        .isEqualTo(version.get("manifest_sha256"));
    assertThat(
            post(api, owner, "/api/v2/capsules/" + capsuleId + "/export", Map.of("format", "zip"))
                .sha256())
        .isEqualTo(zip.sha256());
    Received v2 =
        post(
            api,
            owner,
            "/api/v2/capsules/" + capsuleId + "/export",
            Map.of("format", "tar.gz", "version_id", version.get("id"), "chunk_size", 4096));
    assertThat(v2.sha256()).isEqualTo(tarGz.sha256());
    assertThat(v2.headers().getContentDisposition().getFilename())
        .isEqualTo(capsuleId + "-v1.tar.gz");

    // Another user sees no capsule to stream.
    Account stranger = Accounts.register(api, "stranger");
    assertThat(Json.call(api, HttpMethod.GET, base + "/stream", stranger.accessToken(), null, 404))
        .containsEntry("error_code", "CAPSULE_NOT_FOUND");
    Json.call(
        api,
        HttpMethod.POST,
        "/api/v2/capsules/" + capsuleId + "/export",
        stranger.accessToken(),
        Map.of(),
        404);
  }

  @Test
  void badParametersAndUnarchivableManifestsAreClientErrorsBeforeAnyByte(
      WebTestClient api, LocalPlatform platform) {
    Account owner = Accounts.register(api, "streams-bad");
    String capsuleId = storeCapsule(platform, owner, List.of(file("ok.txt", "fine\n".getBytes())));
    String base = "/capsule/" + capsuleId + "/stream";
    String token = owner.accessToken();

    Map<String, Object> format =
        Json.call(api, HttpMethod.GET, base + "?format=rar", token, null, 400);
    assertThat(format).containsEntry("error_code", "BAD_REQUEST");
    assertThat((String) format.get("detail")).contains("'rar'").contains("tar.gz, zip");
    for (String chunk : List.of("10", "1023", "1048577", "big", "-1")) {
      assertThat(
              (String)
                  Json.call(api, HttpMethod.GET, base + "?chunk_size=" + chunk, token, null, 400)
                      .get("detail"))
          .contains("chunk_size");
    }
    assertThat(Json.call(api, HttpMethod.GET, base + "?version_id=ver-nope", token, null, 404))
        .containsEntry("error_code", "VERSION_NOT_FOUND");
    Map<String, Object> v2 =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/v2/capsules/" + capsuleId + "/export",
            token,
            Map.of("format", "7z"),
            400);
    assertThat(v2).containsEntry("success", false);
    assertThat(v2.toString()).contains("tar.gz, zip");
    Json.call(
        api,
        HttpMethod.POST,
        "/api/v2/capsules/" + capsuleId + "/export",
        token,
        Map.of("chunk_size", 12),
        400);

    // A stored manifest whose path leaves the archive is refused before a byte is sent.
    String hostile =
        storeCapsule(platform, owner, List.of(file("../escape.txt", "no\n".getBytes())));
    assertThat(
            (String)
                Json.call(api, HttpMethod.GET, "/capsule/" + hostile + "/stream", token, null, 422)
                    .get("detail"))
        .contains("../escape.txt");
  }

  @Test
  void aClientThatDisconnectsStopsTheWriting(WebTestClient api, LocalPlatform platform)
      throws Exception {
    Account owner = Accounts.register(api, "streams-cancel");
    long size = 64L * 1024 * 1024;
    String capsuleId =
        storeCapsule(
            platform,
            owner,
            List.of(file("small.txt", "small\n".getBytes()), big("big.bin", size)));
    CapsuleArchives archives = platform.apiContext().getBean(CapsuleArchives.class);
    await(() -> archives.openStreams() == 0, "no archive stream is open before the test");
    long before = archives.bytesWritten();

    URI api0 = URI.create(platform.endpoints().apiUrl());
    long received = 0;
    try (Socket socket = new Socket(api0.getHost(), api0.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /capsule/"
                  + capsuleId
                  + "/stream?format=tar.gz HTTP/1.1\r\n"
                  + "Host: "
                  + api0.getHost()
                  + "\r\n"
                  + "Authorization: Bearer "
                  + owner.accessToken()
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      StringBuilder head = new StringBuilder();
      while (received < 1024 * 1024) {
        int n = in.read(buffer);
        assertThat(n).as("the stream ended early: " + head).isPositive();
        if (head.length() < 200) {
          head.append(new String(buffer, 0, Math.min(n, 200), StandardCharsets.ISO_8859_1));
        }
        received += n;
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 200");
      assertThat(archives.openStreams()).isEqualTo(1);
      // Then the client goes away with 63 MiB unread.
    }
    await(() -> archives.openStreams() == 0, "the archive stream ends after the disconnect");
    long written = archives.bytesWritten() - before;
    assertThat(written).isGreaterThanOrEqualTo(received - 64 * 1024).isLessThan(size / 2);
  }

  // --- helpers --------------------------------------------------------------------------------

  private static Received get(WebTestClient api, Account owner, String uri) {
    return received(
        api.get()
            .uri(uri)
            .headers(h -> h.setBearerAuth(owner.accessToken()))
            .exchange()
            .expectStatus()
            .isOk()
            .returnResult(DataBuffer.class));
  }

  private static Received post(WebTestClient api, Account owner, String uri, Object body) {
    return received(
        api.post()
            .uri(uri)
            .headers(h -> h.setBearerAuth(owner.accessToken()))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isOk()
            .returnResult(DataBuffer.class));
  }

  private static Received received(FluxExchangeResult<DataBuffer> result) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    result
        .getResponseBody()
        .doOnNext(
            b -> {
              byte[] chunk = new byte[b.readableByteCount()];
              b.read(chunk);
              bytes.writeBytes(chunk);
              DataBufferUtils.release(b);
            })
        .blockLast(Duration.ofSeconds(60));
    return new Received(result.getResponseHeaders(), bytes.toByteArray());
  }

  /** Extracts {@code bytes} with the system tool; every regular file: path -> bytes. */
  private static Map<String, byte[]> extract(
      Path dir, byte[] bytes, String name, String tool, String flag) throws Exception {
    Path archive = dir.resolve(name);
    Files.write(archive, bytes);
    Path out = Files.createDirectory(dir.resolve(name + ".out"));
    List<String> command =
        tool.equals("tar")
            ? List.of("tar", flag, archive.toString(), "-C", out.toString())
            : List.of("unzip", flag, archive.toString(), "-d", out.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(command + ": " + output).isZero();
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(out.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return files;
  }

  /** A file to store: its path and its bytes' stream and length. */
  private record NewFile(String path, InputStream content) {}

  private static NewFile file(String path, byte[] bytes) {
    return new NewFile(path, new ByteArrayInputStream(bytes));
  }

  private static NewFile big(String path, long size) {
    return new NewFile(path, new Incompressible(size));
  }

  /**
   * A stored capsule of {@code owner} whose version 1 (head of main) holds {@code files}, written
   * as the worker writes them: blobs, manifest, capsule, run and version rows.
   */
  private static String storeCapsule(LocalPlatform platform, Account owner, List<NewFile> files) {
    BlobStore blobs = platform.workerContext().getBean(BlobStore.class);
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    List<FileManifest.Entry> entries = new ArrayList<>();
    for (NewFile f : files) {
      ContentAddress a = blobs.putContentAddressed(f.content(), "application/octet-stream");
      entries.add(new FileManifest.Entry(f.path(), a.sha256(), a.size()));
    }
    FileManifest manifest = FileManifest.of(entries);
    String manifestKey = manifest.store(blobs);
    String id = "cap-" + Accounts.unique("stream");
    jdbc.update(
        "INSERT INTO capsules (id, request_id, tenant_id, owner_id, description, project_name,"
            + " engine, target_score, workflow_id, file_count, manifest_key, version_key)"
            + " VALUES (?, ?, ?, ?, 'streamed', ?, 'offline', 0.9, ?, ?, ?, ?)",
        id,
        "req-" + id,
        owner.tenantId(),
        UUID.fromString(owner.id()),
        id,
        "capsule-" + id,
        entries.size(),
        manifestKey,
        "capsules/" + id + "/versions/v1.json");
    jdbc.update(
        "INSERT INTO workflow_runs (workflow_id, kind, tenant_id, owner_id, status, phase,"
            + " sequence) VALUES (?, 'capsule-generation', ?, ?, 'completed', 'stored', 1)",
        "capsule-" + id,
        owner.tenantId(),
        owner.id());
    String versionId = "ver-" + UUID.randomUUID();
    jdbc.update(
        "INSERT INTO capsule_versions (id, capsule_id, number, branch, author, message,"
            + " manifest_sha256, manifest_key, file_count, total_size_bytes)"
            + " VALUES (?, ?, 1, 'main', 'system', 'Initial version', ?, ?, ?, ?)",
        versionId,
        id,
        manifest.digest(),
        manifestKey,
        entries.size(),
        manifest.totalBytes());
    jdbc.update(
        "INSERT INTO capsule_branches (capsule_id, name, head_version_id, author)"
            + " VALUES (?, 'main', ?, 'system')",
        id,
        versionId);
    return id;
  }

  /** {@code size} pseudo-random (incompressible) bytes, generated as they are read. */
  private static final class Incompressible extends InputStream {
    private final long size;
    private long position;
    private long state = 0x9E3779B97F4A7C15L;

    Incompressible(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - position);
      for (int i = 0; i < n; i++) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        b[off + i] = (byte) state;
      }
      position += n;
      return n;
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    await(condition, Duration.ofSeconds(30), what);
  }

  private static void await(BooleanSupplier condition, Duration timeout, String what) {
    Awaitility.await(what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(condition::getAsBoolean);
  }
}
