package dev.shipyard.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks secrets and signatures (github.com/standard-webhooks, spec
 * standard-webhooks.md): a secret is {@code whsec_} followed by the base64 of 24 to 64 random
 * bytes, and the HMAC key is those bytes; a signature is {@code v1,} followed by the base64
 * HMAC-SHA256 of {@code <webhook-id>.<webhook-timestamp>.<body>}, several separated by spaces while
 * a rotated secret is still valid.
 */
public final class WebhookSecrets {

  public static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSecrets() {}

  /** A new secret: {@code whsec_} and the base64 of 32 random bytes. */
  public static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /**
   * The HMAC key of {@code secret}: the base64-decoded part of a {@code whsec_} secret; any other
   * string (a configured {@code WEBHOOK_SIGNING_SECRET} of another form) is used as its UTF-8
   * bytes, which a standardwebhooks receiver reads with {@code format: "raw"}.
   */
  public static byte[] key(String secret) {
    if (secret.startsWith(PREFIX)) {
      return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code v1,<base64 HMAC-SHA256(key, id.timestamp.body)>}. */
  public static String sign(byte[] key, String id, long timestamp, String body) {
    return "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + timestamp + "." + body));
  }

  static byte[] hmac(byte[] key, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
