package dev.shipyard.outbound;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The calls of the OCI distribution API (Docker Registry HTTP API v2) that images need: a manifest
 * read by tag or digest, a manifest put under a tag (retag), a manifest deleted by digest, a
 * repository's tag list. The registry is the operator's configuration ({@code IMAGE_REGISTRY}),
 * never a user's: images name a repository in it, not a host. Plain HTTP only when {@code
 * plainHttp} (the configuration allows it for loopback registries or explicitly); Basic
 * credentials, which are only ever in the {@code Authorization} header.
 */
public final class RegistryClient {

  /** The manifest types asked for: OCI and Docker schema 2, and their lists. */
  public static final String ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private final String registry;
  private final String scheme;
  private final String authorization;
  private final Duration timeout;
  private final HttpClient http;

  public RegistryClient(
      String registry, boolean plainHttp, String username, String password, Duration timeout) {
    this.registry = registry;
    this.scheme = plainHttp ? "http" : "https";
    this.authorization =
        username == null || username.isEmpty()
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (username + ":" + (password == null ? "" : password))
                            .getBytes(StandardCharsets.UTF_8));
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** An answer of the registry: status, content type, {@code Docker-Content-Digest}, body. */
  public record Answer(int status, String contentType, String digest, byte[] body) {

    public boolean ok() {
      return status >= 200 && status < 300;
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public String registry() {
    return registry;
  }

  /** {@code GET /v2/<repository>/manifests/<reference>}. */
  public Answer manifest(String repository, String reference) throws IOException {
    return send("GET", "/v2/" + repository + "/manifests/" + reference, null, null, ACCEPT);
  }

  /** {@code PUT /v2/<repository>/manifests/<tag>} with the manifest's own bytes and type. */
  public Answer putManifest(String repository, String tag, String mediaType, byte[] manifest)
      throws IOException {
    return send("PUT", "/v2/" + repository + "/manifests/" + tag, mediaType, manifest, null);
  }

  /** {@code DELETE /v2/<repository>/manifests/<digest>} (202 when the registry allows deletes). */
  public Answer deleteManifest(String repository, String digest) throws IOException {
    return send("DELETE", "/v2/" + repository + "/manifests/" + digest, null, null, null);
  }

  /** {@code GET /v2/<repository>/tags/list}. */
  public Answer tags(String repository) throws IOException {
    return send("GET", "/v2/" + repository + "/tags/list", null, null, "application/json");
  }

  private Answer send(String method, String path, String type, byte[] body, String accept)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(scheme + "://" + registry + path))
            .timeout(timeout)
            .header("User-Agent", "Shipyard-Images/1");
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    if (accept != null) {
      b.header("Accept", accept);
    }
    if (type != null) {
      b.header("Content-Type", type);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(
          r.statusCode(),
          r.headers().firstValue("Content-Type").orElse(null),
          r.headers().firstValue("Docker-Content-Digest").orElse(null),
          r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
