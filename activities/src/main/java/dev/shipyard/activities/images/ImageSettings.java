package dev.shipyard.activities.images;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where images go and what they are built on (the worker's {@code IMAGE_*} variables).
 *
 * @param registry {@code host[:port]} of the registry images are pushed to ({@code
 *     IMAGE_REGISTRY}); empty: none, builds fail with {@code REGISTRY_NOT_CONFIGURED}
 * @param insecure plain HTTP allowed for a registry that is not on loopback ({@code
 *     IMAGE_REGISTRY_INSECURE}); a loopback registry is always allowed plain HTTP
 * @param username registry user ({@code IMAGE_REGISTRY_USERNAME}), empty for none
 * @param password registry password ({@code IMAGE_REGISTRY_PASSWORD}); never logged
 * @param bases the base image per stack ({@code IMAGE_BASE_JAVA}, {@code IMAGE_BASE_PYTHON}, {@code
 *     IMAGE_BASE_NODE}); a stack without one is built from scratch (said in the record)
 * @param cacheDir Jib's base-layer and application-layer caches ({@code IMAGE_CACHE_DIR})
 */
public record ImageSettings(
    String registry,
    boolean insecure,
    String username,
    String password,
    Map<String, String> bases,
    Path cacheDir) {

  public ImageSettings {
    registry = registry == null ? "" : registry.trim();
    bases = Map.copyOf(bases);
  }

  public boolean configured() {
    return !registry.isEmpty();
  }

  /** Plain HTTP: a loopback registry, or one the configuration allows. */
  public boolean plainHttp() {
    return insecure || isLoopback(registry);
  }

  /** The base image of {@code stack}, or null (scratch). */
  public String base(String stack) {
    String base = bases.get(stack);
    return base == null || base.isBlank() ? null : base.trim();
  }

  static boolean isLoopback(String hostAndPort) {
    String host = hostAndPort;
    if (host.startsWith("[")) {
      host = host.substring(1, Math.max(1, host.indexOf(']')));
    } else if (host.indexOf(':') > 0) {
      host = host.substring(0, host.indexOf(':'));
    }
    if (host.equals("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+") && !host.contains(":")) {
      return false; // a name: not resolved here
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "ImageSettings[registry="
        + (configured() ? registry : "none")
        + ", plainHttp="
        + plainHttp()
        + ", user="
        + (username == null || username.isEmpty() ? "none" : "set")
        + ", bases="
        + bases
        + "]";
  }
}
