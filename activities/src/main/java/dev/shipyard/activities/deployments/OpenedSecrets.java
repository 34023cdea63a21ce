package dev.shipyard.activities.deployments;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.cluster.ImageReference;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.workflows.deployments.DeploymentFailure;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plaintext of one revision's secrets, opened at the last moment by the activity that writes
 * them into the cluster's Secrets and dropped with it: never logged, never returned, never in a
 * workflow payload. {@link #toString()} names no value.
 *
 * @param env environment name to value (empty when the spec has none)
 * @param dockerConfigJson the {@code .dockerconfigjson} of the registry Secret, null when the spec
 *     pulls without credentials
 */
record OpenedSecrets(Map<String, String> env, String dockerConfigJson) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The secrets {@code spec} needs, opened; fails with {@code SECRETS_UNAVAILABLE} otherwise. */
  static OpenedSecrets open(
      DeploymentSecrets store, SecretBox box, String deploymentId, DeploymentSpec spec) {
    boolean needsEnv = !spec.envNames().isEmpty();
    if (!needsEnv && !spec.registryAuth()) {
      return new OpenedSecrets(Map.of(), null);
    }
    if (box == null) {
      throw DeploymentFailure.SECRETS_UNAVAILABLE.failure(
          "SECRETS_KEYS is not set on the worker: the deployment's secrets cannot be opened");
    }
    int revision = spec.secretsRevision();
    DeploymentSecrets.Sealed sealed = store.find(deploymentId, revision);
    if (sealed == null) {
      throw DeploymentFailure.SECRETS_UNAVAILABLE.failure(
          "no deployment_secrets row for revision " + revision);
    }
    Map<String, String> env = Map.of();
    if (needsEnv) {
      if (sealed.env() == null) {
        throw DeploymentFailure.SECRETS_UNAVAILABLE.failure(
            "revision " + revision + " holds no environment values");
      }
      env =
          parse(
              open(box, "deployment:" + deploymentId + ":env:" + revision, sealed.env()),
              "environment");
      for (String name : spec.envNames()) {
        if (!env.containsKey(name)) {
          throw DeploymentFailure.SECRETS_UNAVAILABLE.failure(
              "revision " + revision + " holds no value for " + name);
        }
      }
    }
    String dockerConfig = null;
    if (spec.registryAuth()) {
      if (sealed.registry() == null) {
        throw DeploymentFailure.SECRETS_UNAVAILABLE.failure(
            "revision " + revision + " holds no registry credentials");
      }
      Map<String, String> credentials =
          parse(
              open(box, "deployment:" + deploymentId + ":registry:" + revision, sealed.registry()),
              "registry credentials");
      dockerConfig =
          dockerConfigJson(
              ImageReference.parse(spec.image()).registry(),
              credentials.get("username"),
              credentials.get("password"));
    }
    return new OpenedSecrets(env, dockerConfig);
  }

  private static String open(SecretBox box, String context, String sealed) {
    try {
      return box.open(context, sealed);
    } catch (SecretBox.SecretBoxException e) {
      // its message names neither the value nor the key
      throw DeploymentFailure.SECRETS_UNAVAILABLE.failure(context + ": " + e.getMessage());
    }
  }

  private static Map<String, String> parse(String json, String what) {
    try {
      Map<String, Object> raw = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
      Map<String, String> values = new LinkedHashMap<>();
      raw.forEach((k, v) -> values.put(k, v == null ? "" : String.valueOf(v)));
      return values;
    } catch (Exception e) {
      throw DeploymentFailure.SECRETS_UNAVAILABLE.failure(
          "the sealed " + what + " are not a JSON object");
    }
  }

  /**
   * A {@code kubernetes.io/dockerconfigjson} document for {@code registry}. Docker Hub credentials
   * are written under both names the kubelet knows it by ({@code docker.io} and the legacy {@code
   * https://index.docker.io/v1/}).
   */
  static String dockerConfigJson(String registry, String username, String password) {
    String user = username == null ? "" : username;
    String pass = password == null ? "" : password;
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("username", user);
    entry.put("password", pass);
    entry.put(
        "auth",
        Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8)));
    Map<String, Object> auths = new LinkedHashMap<>();
    auths.put(registry, entry);
    if (ImageReference.DOCKER_HUB.equals(registry)) {
      auths.put("https://index.docker.io/v1/", entry);
    }
    try {
      return JSON.writeValueAsString(Map.of("auths", auths));
    } catch (Exception e) {
      throw new IllegalStateException("docker config not written");
    }
  }

  @Override
  public String toString() {
    return "OpenedSecrets[env="
        + env.keySet()
        + ", registry="
        + (dockerConfigJson == null ? "none" : "(hidden)")
        + "]";
  }
}
