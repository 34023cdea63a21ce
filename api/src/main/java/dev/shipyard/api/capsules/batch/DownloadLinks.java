package dev.shipyard.api.capsules.batch;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Time-limited download links of exported capsules: {@code
 * /capsule/<id>/download?batch_id=<b>&expires=<epoch s>&signature=<hex>}, where the signature is
 * HMAC-SHA256 under the configured key ({@code CAPSULE_DOWNLOAD_LINK_KEY}) of {@code "<capsule
 * id>\n<batch id>\n<expires>"}. Whoever holds a link may download that one archive until it
 * expires, without credentials; nothing else can be derived from it. The key stays in this class:
 * never logged, never answered.
 */
@Component
class DownloadLinks {

  /** A link as answered: the path with its query, and when it stops working. */
  record Link(String url, Instant expiresAt) {}

  /** How a presented signature checks out. */
  enum Verdict {
    VALID,
    /** No key configured, or the signature does not match: 403. */
    INVALID,
    /** A genuine link past its expiry: 410. */
    EXPIRED
  }

  private static final String ALGORITHM = "HmacSHA256";
  private static final int MIN_KEY_LENGTH = 32;

  private final SecretKeySpec key;
  private final Clock clock;

  DownloadLinks(BatchExportProperties properties, Clock clock) {
    String configured = properties.linkKey();
    if (!configured.isEmpty() && configured.length() < MIN_KEY_LENGTH) {
      throw new IllegalStateException(
          "CAPSULE_DOWNLOAD_LINK_KEY must be at least " + MIN_KEY_LENGTH + " characters");
    }
    this.key =
        configured.isEmpty()
            ? null
            : new SecretKeySpec(configured.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    this.clock = clock;
  }

  /** Whether signed links are issued (a key is configured). */
  boolean enabled() {
    return key != null;
  }

  /** The owner's download path of a capsule's export in a batch. */
  static String ownerUrl(String capsuleId, String batchId) {
    return "/capsule/" + capsuleId + "/download?batch_id=" + batchId;
  }

  /** A signed link valid until {@code expiresAt}, or empty when no key is configured. */
  Optional<Link> sign(String capsuleId, String batchId, Instant expiresAt) {
    if (key == null) {
      return Optional.empty();
    }
    long expires = expiresAt.getEpochSecond();
    return Optional.of(
        new Link(
            ownerUrl(capsuleId, batchId)
                + "&expires="
                + expires
                + "&signature="
                + signature(capsuleId, batchId, expires),
            Instant.ofEpochSecond(expires)));
  }

  /**
   * Checks a presented link: the signature first (in constant time), so only a genuine link learns
   * that it expired.
   */
  Verdict verify(String capsuleId, String batchId, long expires, String signature) {
    if (key == null || signature == null) {
      return Verdict.INVALID;
    }
    byte[] expected = signature(capsuleId, batchId, expires).getBytes(StandardCharsets.US_ASCII);
    byte[] presented = signature.getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, presented)) {
      return Verdict.INVALID;
    }
    return clock.instant().getEpochSecond() >= expires ? Verdict.EXPIRED : Verdict.VALID;
  }

  private String signature(String capsuleId, String batchId, long expires) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return HexFormat.of()
          .formatHex(
              mac.doFinal(
                  (capsuleId + "\n" + batchId + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
