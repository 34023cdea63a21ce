package dev.shipyard.cluster;

/**
 * The parts of an image reference that deployments need: the registry host its pull credentials are
 * for (Docker Hub, {@code docker.io}, when the first path component is not a host), and the digest
 * when it is pinned ({@code repo@sha256:...}). The API validates references; this only splits them.
 * Shared by the worker (pull secrets, digests) and the API (asking the registry at create).
 *
 * @param registry the registry host ({@code docker.io}, {@code ghcr.io}, {@code 127.0.0.1:5000})
 * @param repository the repository without registry, tag or digest
 * @param tag the tag, null when absent
 * @param digest {@code sha256:...} when pinned, else null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

  /** Docker Hub's host, for references without one ({@code nginx:1.27}). */
  public static final String DOCKER_HUB = "docker.io";

  public static ImageReference parse(String reference) {
    String rest = reference.trim();
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = DOCKER_HUB;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        rest = rest.substring(slash + 1);
      }
    }
    return new ImageReference(registry, rest, tag, digest);
  }

  /** Whether the reference names its image by digest. */
  public boolean pinned() {
    return digest != null;
  }
}
