package dev.shipyard.standalone.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code skopeo} reading an image back from a registry, as a reader independent of the
 * code under test: {@code skopeo inspect [--config] --tls-verify=false --creds u:p
 * docker://<reference>}. Fails (never skips) when it is missing: {@code apt-get install skopeo}
 * ({@code .ci/run} does).
 */
public final class Skopeo {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Skopeo() {}

  /** {@code skopeo inspect}: Digest, Layers, Labels, Env, ... */
  public static JsonNode inspect(String reference, String user, String password) throws Exception {
    return run(reference, user, password, false);
  }

  /** {@code skopeo inspect --config}: the OCI image configuration (Entrypoint, ExposedPorts). */
  public static JsonNode config(String reference, String user, String password) throws Exception {
    return run(reference, user, password, true);
  }

  private static JsonNode run(String reference, String user, String password, boolean config)
      throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/skopeo"))) {
      throw new IllegalStateException("skopeo is not installed: apt-get install skopeo");
    }
    List<String> command = new ArrayList<>(List.of("/usr/bin/skopeo", "inspect"));
    if (config) {
      command.add("--config");
    }
    command.addAll(
        List.of("--tls-verify=false", "--creds", user + ":" + password, "docker://" + reference));
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("skopeo inspect " + reference + " failed: " + err);
    }
    return JSON.readTree(out);
  }
}
