package dev.shipyard.api.capsules.exports;

import dev.shipyard.api.capsules.CapsuleRecord;
import dev.shipyard.api.capsules.versions.ResolvedVersion;
import dev.shipyard.storage.FileManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the helm, terraform and docker exports need to know about the service in one version of a
 * capsule: its DNS-safe name, the port it listens on and its health path. The capsule's plan
 * (language, framework) gives the defaults of the offline engine's stacks; the version's own files
 * win where they say otherwise (the Dockerfile's {@code EXPOSE} and {@code HEALTHCHECK} URL), so an
 * edited version exports what it now runs.
 *
 * @param name the project name made DNS-safe (RFC 1123 label, at most {@value #MAX_NAME}
 *     characters)
 * @param description the capsule's description, user text: only ever written quoted or escaped
 * @param language the first language of the capsule, lower case ({@code python}, ...)
 * @param framework the first framework, lower case, or empty
 * @param dockerfile the version's own {@code Dockerfile}, or null when it has none
 * @param paths every path of the version
 * @param envKeys the variable names the version's {@code .env.example} declares (checked names)
 */
record ServiceProfile(
    String capsuleId,
    String versionId,
    int versionNumber,
    String manifestSha256,
    String name,
    String description,
    String language,
    String framework,
    int port,
    String healthPath,
    String dockerfile,
    Set<String> paths,
    List<String> envKeys) {

  /** Leaves room for a release name in front of it in a 63-character Kubernetes name. */
  static final int MAX_NAME = 40;

  /** The user id the generated images run as and the manifests ask for (non-root, numeric). */
  static final int RUN_AS_USER = 10001;

  private static final Pattern EXPOSE =
      Pattern.compile("(?im)^\\s*EXPOSE\\s+(\\d{1,5})(?:/tcp)?\\b");
  private static final Pattern HEALTH_URL =
      Pattern.compile(
          "(?im)^\\s*HEALTHCHECK\\b[^\\n]*?https?://(?:127\\.0\\.0\\.1|localhost):\\d+"
              + "(/[A-Za-z0-9/_.-]*)");
  private static final Pattern CONTINUATION = Pattern.compile("\\\\[ \\t]*\\R");
  private static final Pattern ENV_KEY = Pattern.compile("^([A-Z_][A-Z0-9_]{0,63})=");

  /** The image tag of a version: {@code v<number>}. */
  String imageTag() {
    return "v" + versionNumber;
  }

  /** {@code <name>:v<number>}. */
  String image() {
    return name + ":" + imageTag();
  }

  /** Java services start slower: their probes wait longer. */
  int startupSeconds() {
    return language.equals("java") || language.equals("kotlin") ? 30 : 5;
  }

  /**
   * @param planName the project name of the capsule's plan (a slug), used when the capsule has no
   *     project name of its own; may be null
   */
  static ServiceProfile of(
      ResolvedVersion resolved,
      FileManifest manifest,
      String dockerfile,
      String envExample,
      String planName) {
    CapsuleRecord capsule = resolved.capsule();
    String language = first(capsule.languages());
    String framework = first(capsule.frameworks());
    int port = defaultPort(language);
    String health = language.equals("java") ? "/actuator/health" : "/health";
    if (dockerfile != null) {
      Matcher expose = EXPOSE.matcher(dockerfile);
      if (expose.find()) {
        int exposed = Integer.parseInt(expose.group(1));
        if (exposed > 0 && exposed < 65536) {
          port = exposed;
        }
      }
      // Instructions continue over lines ending in a backslash: read them joined.
      Matcher url = HEALTH_URL.matcher(CONTINUATION.matcher(dockerfile).replaceAll(" "));
      if (url.find()) {
        health = url.group(1);
      }
    }
    List<String> envKeys = new ArrayList<>();
    if (envExample != null) {
      for (String line : envExample.split("\\R")) {
        Matcher key = ENV_KEY.matcher(line.strip());
        if (key.find() && !envKeys.contains(key.group(1)) && !key.group(1).equals("PORT")) {
          envKeys.add(key.group(1));
        }
      }
    }
    String projectName =
        capsule.projectName() != null && !capsule.projectName().isBlank()
            ? capsule.projectName()
            : planName;
    return new ServiceProfile(
        capsule.id(),
        resolved.version().id(),
        resolved.version().number(),
        resolved.version().manifestSha256(),
        dnsName(projectName == null || projectName.isBlank() ? capsule.id() : projectName),
        capsule.description() == null ? "" : capsule.description(),
        language,
        framework,
        port,
        health,
        dockerfile,
        new TreeSet<>(manifest.paths()),
        List.copyOf(envKeys));
  }

  /** The port the offline engine's app for this language listens on (and a common default). */
  static int defaultPort(String language) {
    return switch (language) {
      case "python" -> 8000;
      case "javascript", "typescript", "node" -> 3000;
      default -> 8080;
    };
  }

  /**
   * {@code text} as an RFC 1123 label that also is a valid chart name: lower case letters, digits
   * and single dashes, starting with a letter, at most {@value #MAX_NAME} characters.
   */
  static String dnsName(String text) {
    String name =
        text.toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-+", "")
            .replaceAll("-+$", "");
    if (name.isEmpty()) {
      name = "capsule";
    }
    if (!Character.isLetter(name.charAt(0))) {
      name = "app-" + name;
    }
    if (name.length() > MAX_NAME) {
      name = name.substring(0, MAX_NAME).replaceAll("-+$", "");
    }
    return name;
  }

  private static String first(List<String> values) {
    return values == null || values.isEmpty() || values.get(0) == null
        ? ""
        : values.get(0).toLowerCase(Locale.ROOT).strip();
  }
}
