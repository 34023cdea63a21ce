package dev.shipyard.api.capsules.versions;

import dev.shipyard.api.capsules.CapsuleErrors;
import java.nio.charset.StandardCharsets;

/**
 * The names a version holds or is known by, checked before anything is stored: file paths (a
 * version's files are extracted, streamed and exported by them, so a path that could escape a
 * directory or mean two things is refused with 400 in the capsules shape) and branch and tag names
 * (refused like {@code git check-ref-format --allow-onelevel} would, 422, so a capsule's branches
 * and tags can always become git refs).
 */
final class VersionNames {

  /** The longest path accepted, in UTF-8 bytes. */
  static final int MAX_PATH_BYTES = 4096;

  /** The longest branch or tag name accepted, in UTF-8 bytes. */
  static final int MAX_REF_BYTES = 255;

  private VersionNames() {}

  /**
   * Refuses a hostile or ambiguous path with 400 {@code BAD_REQUEST} naming {@code field}: empty,
   * over {@link #MAX_PATH_BYTES} bytes, absolute, with a backslash, a NUL or another control
   * character, an empty segment ({@code a//b}, a trailing {@code /}), or a {@code .} or {@code ..}
   * segment.
   */
  static String checkPath(String field, String path) {
    String why = pathProblem(path);
    if (why != null) {
      throw CapsuleErrors.badRequest(field, "Invalid path " + printable(path) + ": " + why);
    }
    return path;
  }

  /** Why {@code path} is refused, or null when it is acceptable. */
  static String pathProblem(String path) {
    if (path == null || path.isEmpty()) {
      return "a path is required";
    }
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      return "longer than " + MAX_PATH_BYTES + " bytes";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == 0) {
        return "contains a NUL character";
      }
      if (c == '\\') {
        return "contains a backslash (use '/')";
      }
      if (c < 0x20 || c == 0x7f) {
        return "contains a control character";
      }
    }
    if (path.startsWith("/")) {
      return "absolute paths are not allowed";
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        return "empty path segment";
      }
      if (segment.equals("..")) {
        return "'..' segments are not allowed";
      }
      if (segment.equals(".")) {
        return "'.' segments are not allowed";
      }
    }
    return null;
  }

  /** Refuses a branch or tag name git would refuse with 422 {@code VALIDATION_ERROR}. */
  static String checkRef(String field, String name) {
    String why = refProblem(name);
    if (why != null) {
      throw CapsuleErrors.invalid(field, "Invalid " + field + " " + printable(name) + ": " + why);
    }
    return name;
  }

  /**
   * Why git's {@code check-ref-format --allow-onelevel} refuses {@code name} (its rules 1 to 10,
   * plus a leading {@code -}, which {@code git branch} refuses), or null when it accepts it.
   */
  static String refProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "a name is required";
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_REF_BYTES) {
      return "longer than " + MAX_REF_BYTES + " bytes";
    }
    if (name.startsWith("-")) {
      return "starts with '-' (git branch refuses it)";
    }
    if (name.equals("@")) {
      return "'@' alone is not a name";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "contains a control character";
      }
      if (" ~^:?*[\\".indexOf(c) >= 0) {
        return "contains '" + c + "'";
      }
    }
    if (name.contains("..")) {
      return "contains '..'";
    }
    if (name.contains("@{")) {
      return "contains '@{'";
    }
    if (name.startsWith("/") || name.endsWith("/")) {
      return "starts or ends with '/'";
    }
    if (name.endsWith(".")) {
      return "ends with '.'";
    }
    for (String component : name.split("/", -1)) {
      if (component.isEmpty()) {
        return "empty component ('//')";
      }
      if (component.startsWith(".")) {
        return "a component starts with '.'";
      }
      if (component.endsWith(".lock")) {
        return "a component ends with '.lock'";
      }
    }
    return null;
  }

  /** The name quoted for an error message, control characters escaped, long ones shortened. */
  static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("'");
    int limit = Math.min(s.length(), 120);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.append(s.length() > limit ? "...'" : "'").toString();
  }

  /**
   * Refuses a file set in which one path is both a file and a directory ({@code a} and {@code
   * a/b}): no file system can hold it.
   */
  static void checkNoFileDirectoryClash(java.util.Collection<String> paths) {
    java.util.Set<String> files = new java.util.HashSet<>(paths);
    for (String path : files) {
      int slash = path.indexOf('/');
      while (slash >= 0) {
        String dir = path.substring(0, slash);
        if (files.contains(dir)) {
          throw CapsuleErrors.badRequest(
              "changes",
              "Path "
                  + printable(dir)
                  + " would be both a file and a directory (of "
                  + printable(path)
                  + ")");
        }
        slash = path.indexOf('/', slash + 1);
      }
    }
  }
}
