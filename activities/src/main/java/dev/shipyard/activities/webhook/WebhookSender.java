package dev.shipyard.activities.webhook;

import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.outbound.OutboundHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends signed webhook events. Each POST carries {@code X-Shipyard-Event}, {@code
 * X-Shipyard-Delivery} (the event ID, stable across retries) and {@code X-Shipyard-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the signing secret>}. Receivers
 * recompute the HMAC and reject stale timestamps. The secret comes from the worker's configuration,
 * never from a workflow payload.
 *
 * <p>Webhook URLs are the user's: every POST goes through the {@link OutboundGuard} (the host is
 * resolved once, each address checked, and the connection made to the checked address), as plain
 * HTTP/1.1 without the {@code Upgrade: h2c} offer of the JDK client, and redirects are not
 * followed. A refused URL throws {@link dev.shipyard.outbound.OutboundRefusedException} with
 * nothing sent.
 */
public class WebhookSender {

  private final OutboundHttp http;
  private final byte[] secret;

  /** Public addresses only. */
  public WebhookSender(String signingSecret) {
    this(signingSecret, OutboundGuard.strict());
  }

  /** With the allowances of {@code outboundAllowed} ({@code OUTBOUND_ALLOWED}, see the guard). */
  public WebhookSender(String signingSecret, String outboundAllowed) {
    this(signingSecret, OutboundGuard.allowing(outboundAllowed));
  }

  public WebhookSender(String signingSecret, OutboundGuard guard) {
    this.http = new OutboundHttp(guard, Duration.ofSeconds(10), Duration.ofSeconds(15));
    this.secret =
        signingSecret == null || signingSecret.isBlank()
            ? null
            : signingSecret.getBytes(StandardCharsets.UTF_8);
  }

  public boolean configured() {
    return secret != null;
  }

  /**
   * POSTs {@code body}; returns the HTTP status, or throws on a transport failure ({@link
   * dev.shipyard.outbound.OutboundRefusedException} when the guard refuses the URL).
   */
  public int send(URI url, String event, String deliveryId, String body)
      throws IOException, InterruptedException {
    if (secret == null) {
      throw new IllegalStateException("WEBHOOK_SIGNING_SECRET is not set: webhooks are not sent");
    }
    long t = Instant.now().getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", "Shipyard-Webhooks/1");
    headers.put("X-Shipyard-Event", event);
    headers.put("X-Shipyard-Delivery", deliveryId);
    headers.put("X-Shipyard-Signature", "t=" + t + ",v1=" + sign(secret, t + "." + body));
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    return http.post(url, headers, body.getBytes(StandardCharsets.UTF_8));
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
