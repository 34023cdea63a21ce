package dev.shipyard.api.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.workflows.deployments.HealthCheck;
import dev.shipyard.workflows.deployments.Resources;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;

/**
 * The checks of issue 11 item 10 on deployment requests of both families, one rule per field, each
 * failing with the family's validation status naming the field (an image reference that is not one
 * is 422 in both). Nothing is stored or started before a request passed.
 */
final class DeploymentRequests {

  /**
   * DNS-1123 label of at most 40 characters: the deployment's objects are named after it, with up
   * to 9 characters of owner suffix (shared namespace) and 13 of Ingress suffix, within 63.
   */
  static final int MAX_APP_NAME = 40;

  static final String APP_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  static final int MAX_REPLICAS = 50;
  static final int MAX_ENV = 100;
  static final int MAX_ENV_NAME = 256;
  static final int MAX_ENV_VALUE = 32 * 1024;
  static final int MAX_ENV_TOTAL = 256 * 1024;
  static final int MAX_CREDENTIAL = 4096;

  /** An extra Service's name: a DNS-1123 label that leaves room for the owner suffix. */
  static final int MAX_SERVICE_NAME = 50;

  private static final Pattern LABEL = Pattern.compile(APP_NAME);
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Kubernetes quantities: a positive decimal number and an optional suffix. */
  private static final Pattern QUANTITY =
      Pattern.compile("^(\\d+(\\.\\d*)?|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\\d+)?$");

  // The distribution reference grammar (github.com/distribution/reference, regexp.go).
  private static final String ALNUM = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final String COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN =
      "(?:"
          + DOMAIN_COMPONENT
          + "(?:\\."
          + DOMAIN_COMPONENT
          + ")*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?";
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST =
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
  private static final Pattern REFERENCE =
      Pattern.compile(
          "^((?:"
              + DOMAIN
              + "/)?"
              + COMPONENT
              + "(?:/"
              + COMPONENT
              + ")*)(?::("
              + TAG
              + "))?(?:@("
              + DIGEST
              + "))?$");

  /** The image digest of a rollback: {@code sha256:} and 64 hex digits. */
  static final Pattern SHA256 = Pattern.compile("^sha256:[0-9a-f]{64}$");

  private static final Set<String> ENGINE_CREATE =
      Set.of(
          "app_name",
          "image",
          "port",
          "env_vars",
          "replicas",
          "resources",
          "health_check",
          "registry_auth");
  private static final Set<String> ENGINE_UPDATE =
      Set.of("image", "port", "env_vars", "replicas", "resources", "health_check", "registry_auth");
  private static final Set<String> CONTRACT_CREATE =
      Set.of("name", "replicas", "image", "container_port", "helm_chart_id");
  private static final Set<String> CONTRACT_UPDATE = Set.of("replicas", "image", "container_port");
  private static final Set<String> HEALTH_FIELDS =
      Set.of(
          "path",
          "initial_delay_seconds",
          "period_seconds",
          "timeout_seconds",
          "failure_threshold");

  private DeploymentRequests() {}

  /** Registry credentials; never printed. */
  record RegistryAuth(String username, String password) {
    @Override
    public String toString() {
      return "RegistryAuth[hidden]";
    }
  }

  /** A checked create request of either family. */
  record NewDeployment(
      String appName,
      String image,
      int port,
      Map<String, String> env,
      int replicas,
      Resources resources,
      HealthCheck healthCheck,
      RegistryAuth registryAuth,
      String helmChartId) {
    @Override
    public String toString() {
      return "NewDeployment[" + appName + ", " + image + ", env and credentials hidden]";
    }
  }

  /** A checked update: each non-null field replaces the desired one. */
  record SpecUpdate(
      String image,
      Integer port,
      Map<String, String> env,
      Integer replicas,
      Resources resources,
      HealthCheck healthCheck,
      RegistryAuth registryAuth) {
    boolean newSecrets() {
      return env != null || registryAuth != null;
    }

    boolean empty() {
      return image == null
          && port == null
          && env == null
          && replicas == null
          && resources == null
          && healthCheck == null
          && registryAuth == null;
    }

    @Override
    public String toString() {
      return "SpecUpdate[" + image + ", env and credentials hidden]";
    }
  }

  /** {@code POST /v1/deployments}. */
  static NewDeployment engineCreate(JsonNode body) {
    HttpStatus invalid = HttpStatus.BAD_REQUEST;
    object(body, ENGINE_CREATE, invalid);
    return new NewDeployment(
        appName(required(body, "app_name", invalid), "app_name", invalid),
        image(required(body, "image", invalid), "image", invalid),
        port(required(body, "port", invalid), "port", invalid),
        env(body.get("env_vars"), invalid),
        replicas(body.get("replicas"), "replicas", 0, invalid, 1),
        resources(body.get("resources"), invalid),
        healthCheck(body.get("health_check"), invalid),
        registryAuth(body.get("registry_auth"), invalid),
        null);
  }

  /** {@code PUT /v1/deployments/{id}}. */
  static SpecUpdate engineUpdate(JsonNode body) {
    HttpStatus invalid = HttpStatus.BAD_REQUEST;
    object(body, ENGINE_UPDATE, invalid);
    SpecUpdate update =
        new SpecUpdate(
            present(body, "image") ? image(body.get("image"), "image", invalid) : null,
            present(body, "port") ? port(body.get("port"), "port", invalid) : null,
            present(body, "env_vars") ? env(body.get("env_vars"), invalid) : null,
            present(body, "replicas")
                ? replicas(body.get("replicas"), "replicas", 0, invalid, null)
                : null,
            resources(body.get("resources"), invalid),
            healthCheck(body.get("health_check"), invalid),
            registryAuth(body.get("registry_auth"), invalid));
    if (update.empty()) {
      throw invalid(invalid, null, "The update changes nothing: give at least one field");
    }
    return update;
  }

  /** {@code POST /api/deployments}: name is the app name, container_port the port. */
  static NewDeployment contractCreate(JsonNode body) {
    HttpStatus invalid = HttpStatus.UNPROCESSABLE_ENTITY;
    object(body, CONTRACT_CREATE, invalid);
    String chart = null;
    if (present(body, "helm_chart_id")) {
      chart = text(body.get("helm_chart_id"), "helm_chart_id", invalid);
      if (chart.isBlank() || chart.length() > 100) {
        throw invalid(invalid, "helm_chart_id", "helm_chart_id must be 1 to 100 characters");
      }
    }
    return new NewDeployment(
        appName(required(body, "name", invalid), "name", invalid),
        image(required(body, "image", invalid), "image", invalid),
        port(required(body, "container_port", invalid), "container_port", invalid),
        Map.of(),
        replicas(body.get("replicas"), "replicas", 0, invalid, 1),
        null,
        null,
        null,
        chart);
  }

  /** {@code PUT /api/deployments/{id}}. */
  static SpecUpdate contractUpdate(JsonNode body) {
    HttpStatus invalid = HttpStatus.UNPROCESSABLE_ENTITY;
    object(body, CONTRACT_UPDATE, invalid);
    SpecUpdate update =
        new SpecUpdate(
            present(body, "image") ? image(body.get("image"), "image", invalid) : null,
            present(body, "container_port")
                ? port(body.get("container_port"), "container_port", invalid)
                : null,
            null,
            present(body, "replicas")
                ? replicas(body.get("replicas"), "replicas", 0, invalid, null)
                : null,
            null,
            null,
            null);
    if (update.empty()) {
      throw invalid(invalid, null, "The update changes nothing: give at least one field");
    }
    return update;
  }

  /** {@code {"replicas": n}} of a scale: 1 to 50 (stopping is {@code stop}). */
  static int scale(JsonNode body, HttpStatus invalid) {
    object(body, Set.of("replicas"), invalid);
    return replicas(required(body, "replicas", invalid), "replicas", 1, invalid, null);
  }

  /** A rollback target: exactly one of {@code release} (a number) and {@code digest}. */
  record RollbackTarget(Integer release, String digest) {}

  static RollbackTarget rollback(JsonNode body) {
    HttpStatus invalid = HttpStatus.BAD_REQUEST;
    object(body, Set.of("release", "digest"), invalid);
    boolean byRelease = present(body, "release");
    boolean byDigest = present(body, "digest");
    if (byRelease == byDigest) {
      throw invalid(invalid, "release", "Give exactly one of release (a number) and digest");
    }
    if (byRelease) {
      JsonNode n = body.get("release");
      if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
        throw invalid(invalid, "release", "release must be a release number (1 or more)");
      }
      return new RollbackTarget(n.asInt(), null);
    }
    String digest = text(body.get("digest"), "digest", invalid);
    if (!SHA256.matcher(digest).matches()) {
      throw invalid(invalid, "digest", "digest must be sha256: and 64 lower-case hex digits");
    }
    return new RollbackTarget(null, digest);
  }

  /** The app name rule (DNS-1123 label, at most {@value #MAX_APP_NAME} characters). */
  static String appName(JsonNode node, String field, HttpStatus invalid) {
    String name = text(node, field, invalid);
    if (name.length() > MAX_APP_NAME || !LABEL.matcher(name).matches()) {
      throw invalid(
          invalid,
          field,
          field
              + " must be a DNS-1123 label: 1 to "
              + MAX_APP_NAME
              + " lower-case letters, digits or '-', starting and ending with a letter or digit");
    }
    return name;
  }

  /** A Service name of {@code /api/services}: a DNS-1123 label of at most 50 characters. */
  static String serviceName(JsonNode node, HttpStatus invalid) {
    String name = text(node, "name", invalid);
    if (name.length() > MAX_SERVICE_NAME || !LABEL.matcher(name).matches()) {
      throw invalid(
          invalid,
          "name",
          "name must be a DNS-1123 label: 1 to "
              + MAX_SERVICE_NAME
              + " lower-case letters, digits or '-', starting and ending with a letter or digit");
    }
    return name;
  }

  /** An image reference by the distribution grammar; anything else is 422 in both families. */
  static String image(JsonNode node, String field, HttpStatus invalid) {
    String image = text(node, field, invalid);
    var m = REFERENCE.matcher(image);
    if (image.length() > 512 || !m.matches() || m.group(1).length() > 255) {
      throw new ApiException(
          new ApiError(
              HttpStatus.UNPROCESSABLE_ENTITY,
              "INVALID_IMAGE",
              "image '"
                  + clip(image)
                  + "' is not a valid image reference ([registry/]repository[:tag][@digest],"
                  + " lower-case repository)",
              field));
    }
    return image;
  }

  static int port(JsonNode node, String field, HttpStatus invalid) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
      throw invalid(invalid, field, field + " must be an integer from 1 to 65535");
    }
    int port = node.asInt();
    if (port < 1 || port > 65535) {
      throw invalid(invalid, field, field + " must be an integer from 1 to 65535");
    }
    return port;
  }

  static int replicas(JsonNode node, String field, int min, HttpStatus invalid, Integer absent) {
    if (node == null || node.isNull()) {
      if (absent != null) {
        return absent;
      }
      throw invalid(invalid, field, field + " is required");
    }
    if (!node.isIntegralNumber()
        || !node.canConvertToInt()
        || node.asInt() < min
        || node.asInt() > MAX_REPLICAS) {
      throw invalid(
          invalid, field, field + " must be an integer from " + min + " to " + MAX_REPLICAS);
    }
    return node.asInt();
  }

  static Map<String, String> env(JsonNode node, HttpStatus invalid) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw invalid(invalid, "env_vars", "env_vars must be an object of names to string values");
    }
    if (node.size() > MAX_ENV) {
      throw invalid(invalid, "env_vars", "env_vars may have at most " + MAX_ENV + " variables");
    }
    Map<String, String> env = new TreeMap<>();
    long total = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (name.length() > MAX_ENV_NAME || !ENV_NAME.matcher(name).matches()) {
        throw invalid(
            invalid,
            "env_vars",
            "env_vars name '"
                + clip(name)
                + "' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*, at most "
                + MAX_ENV_NAME
                + " characters)");
      }
      if (!e.getValue().isTextual()) {
        throw invalid(invalid, "env_vars." + name, "env_vars values must be strings");
      }
      String value = e.getValue().asText();
      if (value.length() > MAX_ENV_VALUE) {
        throw invalid(
            invalid,
            "env_vars." + name,
            "env_vars values must be at most " + MAX_ENV_VALUE + " characters");
      }
      total += name.length() + value.length();
      env.put(name, value);
    }
    if (total > MAX_ENV_TOTAL) {
      throw invalid(
          invalid, "env_vars", "env_vars may hold at most " + MAX_ENV_TOTAL + " characters");
    }
    return env;
  }

  static Resources resources(JsonNode node, HttpStatus invalid) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw invalid(invalid, "resources", "resources must be an object {cpu, memory}");
    }
    unknown(node, Set.of("cpu", "memory"), "resources.", invalid);
    String cpu = quantity(node.get("cpu"), "resources.cpu", invalid);
    String memory = quantity(node.get("memory"), "resources.memory", invalid);
    if (cpu == null && memory == null) {
      throw invalid(invalid, "resources", "resources needs cpu, memory or both");
    }
    return new Resources(cpu, memory);
  }

  private static String quantity(JsonNode node, String field, HttpStatus invalid) {
    if (node == null || node.isNull()) {
      return null;
    }
    String value = node.isNumber() ? node.asText() : text(node, field, invalid);
    if (value.length() > 64 || !QUANTITY.matcher(value).matches() || zero(value)) {
      throw invalid(
          invalid,
          field,
          field
              + " '"
              + clip(value)
              + "' is not a positive Kubernetes quantity (such as 100m, 0.5, 128Mi, 1Gi)");
    }
    return value;
  }

  private static boolean zero(String quantity) {
    String number = quantity.replaceAll("[^0-9.].*$", "");
    try {
      return new BigDecimal(number.isEmpty() ? "0" : number).signum() == 0;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  static HealthCheck healthCheck(JsonNode node, HttpStatus invalid) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw invalid(invalid, "health_check", "health_check must be an object");
    }
    unknown(node, HEALTH_FIELDS, "health_check.", invalid);
    String path =
        text(required(node, "path", "health_check.path", invalid), "health_check.path", invalid);
    if (!path.startsWith("/") || path.length() > 1024 || path.chars().anyMatch(c -> c <= ' ')) {
      throw invalid(
          invalid,
          "health_check.path",
          "health_check.path must start with '/' and hold no spaces (at most 1024 characters)");
    }
    return new HealthCheck(
        path,
        seconds(node, "initial_delay_seconds", 0, 3600, 0, invalid),
        seconds(node, "period_seconds", 1, 3600, 10, invalid),
        seconds(node, "timeout_seconds", 1, 3600, 1, invalid),
        seconds(node, "failure_threshold", 1, 100, 3, invalid));
  }

  private static int seconds(
      JsonNode parent, String name, int min, int max, int absent, HttpStatus invalid) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      return absent;
    }
    if (!node.isIntegralNumber()
        || !node.canConvertToInt()
        || node.asInt() < min
        || node.asInt() > max) {
      throw invalid(
          invalid,
          "health_check." + name,
          "health_check." + name + " must be an integer from " + min + " to " + max);
    }
    return node.asInt();
  }

  static RegistryAuth registryAuth(JsonNode node, HttpStatus invalid) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw invalid(invalid, "registry_auth", "registry_auth must be {username, password}");
    }
    unknown(node, Set.of("username", "password"), "registry_auth.", invalid);
    String user =
        text(
            required(node, "username", "registry_auth.username", invalid),
            "registry_auth.username",
            invalid);
    String password =
        text(
            required(node, "password", "registry_auth.password", invalid),
            "registry_auth.password",
            invalid);
    if (user.isEmpty() || user.length() > MAX_CREDENTIAL || user.contains(":")) {
      throw invalid(
          invalid,
          "registry_auth.username",
          "registry_auth.username must be 1 to " + MAX_CREDENTIAL + " characters without ':'");
    }
    if (password.isEmpty() || password.length() > MAX_CREDENTIAL) {
      throw invalid(
          invalid,
          "registry_auth.password",
          "registry_auth.password must be 1 to " + MAX_CREDENTIAL + " characters");
    }
    return new RegistryAuth(user, password);
  }

  /** The body is an object without unknown fields. */
  static void object(JsonNode body, Set<String> fields, HttpStatus invalid) {
    if (body == null || !body.isObject()) {
      throw invalid(invalid, null, "The body must be a JSON object");
    }
    unknown(body, fields, "", invalid);
  }

  private static void unknown(
      JsonNode node, Set<String> fields, String prefix, HttpStatus invalid) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw invalid(invalid, prefix + clip(name), "Unknown field '" + prefix + clip(name) + "'");
      }
    }
  }

  static boolean present(JsonNode body, String field) {
    JsonNode node = body.get(field);
    return node != null && !node.isNull();
  }

  static JsonNode required(JsonNode body, String field, HttpStatus invalid) {
    return required(body, field, field, invalid);
  }

  private static JsonNode required(JsonNode body, String name, String field, HttpStatus invalid) {
    JsonNode node = body.get(name);
    if (node == null || node.isNull()) {
      throw invalid(invalid, field, field + " is required");
    }
    return node;
  }

  static String text(JsonNode node, String field, HttpStatus invalid) {
    if (node == null || !node.isTextual()) {
      throw invalid(invalid, field, field + " must be a string");
    }
    return node.asText();
  }

  static String clip(String value) {
    return value.length() > 60 ? value.substring(0, 60) + "..." : value;
  }

  static ApiException invalid(HttpStatus status, String field, String message) {
    return new ApiException(ApiError.validation(status, field, message));
  }
}
