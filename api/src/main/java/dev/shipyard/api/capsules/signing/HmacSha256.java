package dev.shipyard.api.capsules.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * capsules-api.md §11's {@code HMAC-SHA256} with a key the caller supplies: {@code sha256:<hex of
 * HMAC-SHA256(key as UTF-8, manifest bytes)>}. Kept for compatibility; anyone checking it needs the
 * same key, so it proves nothing to a third party (Ed25519 does). The key is used here and dropped:
 * never stored, logged or returned.
 */
final class HmacSha256 {

  static final String ALGORITHM = "HMAC-SHA256";
  static final String PREFIX = "sha256:";

  private HmacSha256() {}

  static String sign(String key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return PREFIX + HexFormat.of().formatHex(mac.doFinal(message));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 failed", e);
    }
  }

  /** Whether {@code signature} is the HMAC of {@code message} under {@code key} (constant time). */
  static boolean verify(String key, byte[] message, String signature) {
    return MessageDigest.isEqual(
        sign(key, message).getBytes(StandardCharsets.US_ASCII),
        signature.trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }
}
