package dev.shipyard.standalone.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * A real Docker registry (Debian's {@code docker-registry}, the CNCF distribution registry) on
 * 127.0.0.1 and a free port, plain HTTP, with htpasswd authentication of one user (the bcrypt
 * htpasswd file written here), storing into a temporary directory. {@link #push} uploads an image
 * (a config blob, one layer and a schema 2 manifest) through the registry's own v2 API.
 *
 * <p>Fails (never skips) when the binary is missing: {@code apt-get install docker-registry}
 * ({@code .ci/run} does).
 */
public final class DockerRegistry implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path dir;
  private final String username;
  private final String password;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .proxy(HttpClient.Builder.NO_PROXY)
          .build();

  private DockerRegistry(Process process, int port, Path dir, String username, String password) {
    this.process = process;
    this.port = port;
    this.dir = dir;
    this.username = username;
    this.password = password;
  }

  /** Starts a registry whose one user is {@code username}; returns once it answers {@code /v2/}. */
  public static DockerRegistry start(String username, String password) throws IOException {
    return start(username, password, false);
  }

  /**
   * As {@link #start(String, String)}; {@code deletes}: manifests may be deleted ({@code
   * storage.delete.enabled}), else the registry answers deletes 405 {@code UNSUPPORTED}.
   */
  public static DockerRegistry start(String username, String password, boolean deletes)
      throws IOException {
    Path binary = Path.of("/usr/bin/docker-registry");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "docker-registry is not installed: apt-get install docker-registry (.ci/run does)");
    }
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    }
    Path dir = Files.createTempDirectory("shipyard-registry-");
    Files.writeString(
        dir.resolve("htpasswd"),
        username + ":" + BCrypt.hashpw(password, BCrypt.gensalt(10)) + "\n");
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        """
        version: 0.1
        log:
          level: warn
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: %s
        http:
          addr: 127.0.0.1:%d
        auth:
          htpasswd:
            realm: shipyard-test-registry
            path: %s
        """
            .formatted(dir.resolve("data"), deletes, port, dir.resolve("htpasswd")));
    Path log = dir.resolve("registry.log");
    Process process =
        new ProcessBuilder(binary.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    DockerRegistry registry = new DockerRegistry(process, port, dir, username, password);
    try {
      await("docker-registry on port " + port)
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "docker-registry exited with "
                          + process.exitValue()
                          + ":\n"
                          + Files.readString(log));
                }
                try {
                  // 200 with the user's credentials: up, and the bcrypt htpasswd entry accepted
                  return registry.send("GET", "/v2/", null, null).statusCode() == 200;
                } catch (IOException e) {
                  return false;
                }
              });
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** The response of {@code GET /v2/<repository>/tags/list} with the registry's user. */
  public HttpResponse<String> tags(String repository) throws IOException {
    return send("GET", "/v2/" + repository + "/tags/list", null, null);
  }

  /** {@code GET <path>} with the registry's user, the body as bytes (a blob, a manifest). */
  public byte[] get(String path) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + host() + path))
            .timeout(Duration.ofSeconds(10))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (username + ":" + password).getBytes(StandardCharsets.UTF_8)))
            .build();
    try {
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IOException("GET " + path + " answered " + r.statusCode());
      }
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** {@code 127.0.0.1:<port>}, the registry host of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /**
   * Pushes {@code repository:tag} (a config blob, one layer, a Docker schema 2 manifest) with the
   * registry's user; returns the manifest's digest.
   */
  public String push(String repository, String tag) throws Exception {
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] layer = ("a layer of " + repository + ":" + tag).getBytes(StandardCharsets.UTF_8);
    String configDigest = upload(repository, config);
    String layerDigest = upload(repository, layer);
    String manifest =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",\
        "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,\
        "digest":"%s"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip",\
        "size":%d,"digest":"%s"}]}"""
            .formatted(config.length, configDigest, layer.length, layerDigest);
    HttpResponse<String> put =
        send(
            "PUT",
            "/v2/" + repository + "/manifests/" + tag,
            "application/vnd.docker.distribution.manifest.v2+json",
            manifest.getBytes(StandardCharsets.UTF_8));
    if (put.statusCode() != 201) {
      throw new IllegalStateException(
          "manifest PUT answered " + put.statusCode() + ": " + put.body());
    }
    return put.headers().firstValue("Docker-Content-Digest").orElseThrow();
  }

  private String upload(String repository, byte[] blob) throws Exception {
    HttpResponse<String> start =
        send("POST", "/v2/" + repository + "/blobs/uploads/", null, new byte[0]);
    if (start.statusCode() != 202) {
      throw new IllegalStateException(
          "upload start answered " + start.statusCode() + ": " + start.body());
    }
    String location = start.headers().firstValue("Location").orElseThrow();
    String digest = "sha256:" + sha256(blob);
    String path = URI.create("http://" + host()).resolve(location).getRawPath();
    String query = URI.create("http://" + host()).resolve(location).getRawQuery();
    HttpResponse<String> done =
        send(
            "PUT",
            path + "?" + (query == null ? "" : query + "&") + "digest=" + digest,
            "application/octet-stream",
            blob);
    if (done.statusCode() != 201) {
      throw new IllegalStateException("upload answered " + done.statusCode() + ": " + done.body());
    }
    return digest;
  }

  private HttpResponse<String> send(String method, String pathAndQuery, String type, byte[] body)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://" + host() + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (username + ":" + password).getBytes(StandardCharsets.UTF_8)));
    if (type != null) {
      b.header("Content-Type", type);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
