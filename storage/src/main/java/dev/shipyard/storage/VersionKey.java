package dev.shipyard.storage;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key of one version of a resource's manifest: {@code <collection>/<id>/versions/v<n>.json},
 * {@code n >= 1} (e.g. {@code capsules/<id>/versions/v1.json}, the first version of a capsule).
 * Versions are immutable objects; a change is written as the {@link #next()} version.
 *
 * @param collection the kind of resource, lower-case ({@code capsules}, ...)
 * @param id the resource's ID (no {@code /})
 * @param version the version number, from 1
 */
public record VersionKey(String collection, String id, int version) {

  private static final Pattern COLLECTION = Pattern.compile("[a-z][a-z0-9-]*");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern KEY =
      Pattern.compile(
          "([a-z][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)/versions/v([1-9][0-9]*)\\.json");

  public VersionKey {
    if (collection == null || !COLLECTION.matcher(collection).matches()) {
      throw new IllegalArgumentException("Invalid collection: " + collection);
    }
    if (id == null || !ID.matcher(id).matches() || id.contains("..")) {
      throw new IllegalArgumentException("Invalid id: " + id);
    }
    if (version < 1) {
      throw new IllegalArgumentException("Versions start at 1, not " + version);
    }
  }

  /** Version {@code version} of capsule {@code capsuleId}. */
  public static VersionKey capsule(String capsuleId, int version) {
    return new VersionKey("capsules", capsuleId, version);
  }

  /** The first version of a resource. */
  public static VersionKey first(String collection, String id) {
    return new VersionKey(collection, id, 1);
  }

  /** The version after this one. */
  public VersionKey next() {
    return new VersionKey(collection, id, Math.addExact(version, 1));
  }

  /** The object key of this version. */
  public String key() {
    return prefix(collection, id) + "v" + version + ".json";
  }

  /** The common prefix of every version key of a resource. */
  public static String prefix(String collection, String id) {
    return collection + "/" + id + "/versions/";
  }

  /** The version a key names, or empty when it is not a version key. */
  public static Optional<VersionKey> parse(String key) {
    Matcher m = key == null ? null : KEY.matcher(key);
    if (m == null || !m.matches() || m.group(2).contains("..")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new VersionKey(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return key();
  }
}
