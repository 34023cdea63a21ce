package dev.shipyard.api.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random secrets (refresh, reset and API-key tokens) and their stored digests. The generator is a
 * DRBG seeded once at class load: drawing from it is pure computation, so it never blocks the event
 * loop the way reading {@code /dev/urandom} per call would.
 */
public final class Secrets {

  private static final SecureRandom RANDOM = drbg();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private Secrets() {}

  /** {@code bytes} random bytes, URL-safe base64 without padding. */
  public static String token(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return URL.encodeToString(value);
  }

  /** The SHA-256 digest stored in place of a high-entropy token. */
  public static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A random (version 4) UUID from the DRBG, for IDs that must not be guessable. */
  public static java.util.UUID uuid() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (b[i] & 0xff);
      lsb = (lsb << 8) | (b[8 + i] & 0xff);
    }
    msb = (msb & ~0xF000L) | 0x4000L;
    lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(msb, lsb);
  }

  private static SecureRandom drbg() {
    try {
      SecureRandom random = SecureRandom.getInstance("DRBG");
      random.nextBytes(new byte[16]); // seed now, at startup, not on the first request
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
