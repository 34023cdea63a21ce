package dev.shipyard.activities.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends signed webhook events. Each POST carries {@code X-Shipyard-Event}, {@code
 * X-Shipyard-Delivery} (the event ID, stable across retries) and {@code X-Shipyard-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the signing secret>}. Receivers
 * recompute the HMAC and reject stale timestamps. The secret comes from the worker's configuration,
 * never from a workflow payload.
 */
public class WebhookSender {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final byte[] secret;

  public WebhookSender(String signingSecret) {
    this.secret =
        signingSecret == null || signingSecret.isBlank()
            ? null
            : signingSecret.getBytes(StandardCharsets.UTF_8);
  }

  public boolean configured() {
    return secret != null;
  }

  /** POSTs {@code body}; returns the HTTP status, or throws on a transport failure. */
  public int send(URI url, String event, String deliveryId, String body)
      throws IOException, InterruptedException {
    if (secret == null) {
      throw new IllegalStateException("WEBHOOK_SIGNING_SECRET is not set: webhooks are not sent");
    }
    long t = Instant.now().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json")
            .header("User-Agent", "Shipyard-Webhooks/1")
            .header("X-Shipyard-Event", event)
            .header("X-Shipyard-Delivery", deliveryId)
            .header("X-Shipyard-Signature", "t=" + t + ",v1=" + sign(secret, t + "." + body))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Hex HMAC-SHA256 of {@code payload}. */
  public static String sign(byte[] secret, String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
