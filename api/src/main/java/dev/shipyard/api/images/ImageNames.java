package dev.shipyard.api.images;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;

/**
 * Names and tags of the OCI distribution specification: a repository is path components {@code
 * [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*} joined by {@code /}; a tag is {@code
 * [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}. The registry is the configured one: a repository that names
 * another host is refused.
 */
final class ImageNames {

  static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
  static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  /** The longest repository accepted (registry host included, as docker limits it). */
  static final int MAX_REPOSITORY = 255;

  private ImageNames() {}

  static String tag(String tag) {
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw invalid(
          "tag",
          "tag must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127} (OCI distribution), got '"
              + clip(tag)
              + "'");
    }
    return tag;
  }

  static String name(String name) {
    if (name == null || !REPOSITORY.matcher(name).matches()) {
      throw invalid(
          "name",
          "name must be lower-case path components of the OCI distribution grammar"
              + " ([a-z0-9] separated by '.', '_', '__' or '-', joined by '/'), got '"
              + clip(name)
              + "'");
    }
    return name;
  }

  /**
   * The repository in the configured registry: {@code repository/name}, or {@code name} alone.
   * {@code repository} may start with the configured registry's host; any other host is refused.
   */
  static String repository(String repository, String name, String registry) {
    name(name);
    String path = repository == null || repository.isBlank() ? null : repository.trim();
    if (path != null) {
      int slash = path.indexOf('/');
      String first = slash < 0 ? path : path.substring(0, slash);
      boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
      if (host) {
        if (!first.equals(registry)) {
          throw invalid(
              "repository",
              "images are pushed to the configured registry "
                  + (registry.isEmpty() ? "(none)" : registry)
                  + ", not "
                  + clip(first));
        }
        path = slash < 0 ? null : path.substring(slash + 1);
      }
    }
    if (path != null && !REPOSITORY.matcher(path).matches()) {
      throw invalid(
          "repository",
          "repository must be path components of the OCI distribution grammar, got '"
              + clip(repository)
              + "'");
    }
    String full = path == null ? name : path + "/" + name;
    if (registry.length() + 1 + full.length() > MAX_REPOSITORY) {
      throw invalid("name", "the image name is longer than " + MAX_REPOSITORY + " characters");
    }
    return full;
  }

  static ApiException invalid(String field, String message) {
    return new ApiException(ApiError.validation(HttpStatus.UNPROCESSABLE_ENTITY, field, message));
  }

  static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
