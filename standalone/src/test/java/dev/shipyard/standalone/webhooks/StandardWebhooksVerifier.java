package dev.shipyard.standalone.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.standalone.testing.WebhookReceiver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A receiver's signature check done by the official Standard Webhooks library (npm {@code
 * standardwebhooks}, installed by {@code .ci/run} into {@code /opt/shipyard-standardwebhooks}, or
 * where {@code STANDARDWEBHOOKS_NODE_MODULES} says), run by node on {@code verify.js}.
 */
public final class StandardWebhooksVerifier {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final Path MODULES =
      Path.of(
          System.getenv()
              .getOrDefault(
                  "STANDARDWEBHOOKS_NODE_MODULES", "/opt/shipyard-standardwebhooks/node_modules"));

  private StandardWebhooksVerifier() {}

  /** The library's verdict: "verified", or "refused: <its message>". */
  public static String verify(String secret, WebhookReceiver.Request request) throws Exception {
    if (!Files.isDirectory(MODULES.resolve("standardwebhooks"))) {
      throw new IllegalStateException(
          "npm standardwebhooks is not installed in "
              + MODULES
              + " (.ci/run installs it: npm install --prefix /opt/shipyard-standardwebhooks"
              + " standardwebhooks@1.1.1)");
    }
    Path script = Files.createTempFile("verify-", ".js");
    try (var in = StandardWebhooksVerifier.class.getResourceAsStream("/webhooks/verify.js")) {
      Files.write(script, in.readAllBytes());
    }
    try {
      ProcessBuilder builder = new ProcessBuilder("node", script.toString());
      builder.environment().put("NODE_PATH", MODULES.toString());
      builder.redirectErrorStream(true);
      Process node = builder.start();
      try (OutputStream stdin = node.getOutputStream()) {
        stdin.write(
            JSON.writeValueAsBytes(
                Map.of(
                    "secret",
                    secret,
                    "headers",
                    Map.of(
                        "webhook-id", request.header("webhook-id"),
                        "webhook-timestamp", request.header("webhook-timestamp"),
                        "webhook-signature", request.header("webhook-signature")),
                    "body",
                    request.body())));
      }
      if (!node.waitFor(30, TimeUnit.SECONDS)) {
        node.destroyForcibly();
        throw new IOException("node did not finish");
      }
      return new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
