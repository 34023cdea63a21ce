package dev.shipyard.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Credentials at rest: sealed with AES-256-GCM under a key that has an ID, so keys can be rotated
 * (a new key seals, older keys still open what they sealed). The API seals what a user hands over
 * (registry passwords, environment values, delivery tokens) before it is stored in PostgreSQL;
 * workflows carry only a reference to the row; the activity that needs the value opens it at the
 * last moment. A sealed value is {@code v1.<keyId>.<base64url(nonce | ciphertext | tag)>}; the
 * {@code context} (for example {@code deployment:<id>:env}) is bound as associated data, so a value
 * copied to another row does not open.
 *
 * <p>Keys come from {@code SECRETS_KEYS}: {@code id:base64key[,id:base64key...]}, the first one
 * sealing (each key 32 bytes). Never logged.
 */
public final class SecretBox {

  private static final String PREFIX = "v1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String sealingKeyId;
  private final Map<String, SecretKeySpec> keys;

  private SecretBox(String sealingKeyId, Map<String, SecretKeySpec> keys) {
    this.sealingKeyId = sealingKeyId;
    this.keys = keys;
  }

  /**
   * The box of {@code SECRETS_KEYS} ({@code id:base64key,...}; the first seals). Fails with a
   * message naming the problem, never the key.
   */
  public static SecretBox fromConfig(String secretsKeys) {
    if (secretsKeys == null || secretsKeys.isBlank()) {
      throw new IllegalArgumentException("SECRETS_KEYS is not set (id:base64-of-32-bytes[,...])");
    }
    Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    String first = null;
    for (String entry : secretsKeys.split(",")) {
      String trimmed = entry.trim();
      int colon = trimmed.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("SECRETS_KEYS entries are id:base64key");
      }
      String id = trimmed.substring(0, colon);
      if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
        throw new IllegalArgumentException("SECRETS_KEYS key IDs are 1-32 of [A-Za-z0-9_-]");
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(trimmed.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("SECRETS_KEYS key " + id + " is not base64");
      }
      if (key.length != 32) {
        throw new IllegalArgumentException("SECRETS_KEYS key " + id + " is not 32 bytes");
      }
      if (keys.put(id, new SecretKeySpec(key, "AES")) != null) {
        throw new IllegalArgumentException("SECRETS_KEYS has key " + id + " twice");
      }
      if (first == null) {
        first = id;
      }
    }
    return new SecretBox(first, Map.copyOf(keys));
  }

  /** A fresh random key in {@code SECRETS_KEYS} form, with ID {@code id}. */
  public static String newKeyConfig(String id) {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return id + ":" + Base64.getEncoder().encodeToString(key);
  }

  /** The ID of the key that seals. */
  public String sealingKeyId() {
    return sealingKeyId;
  }

  /** {@code plaintext} sealed under the sealing key, bound to {@code context}. */
  public String seal(String context, String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, keys.get(sealingKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(sealingKeyId, context));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(nonce.length + sealed.length);
      out.put(nonce).put(sealed);
      return PREFIX
          + "."
          + sealingKeyId
          + "."
          + Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing failed", e);
    }
  }

  /**
   * The plaintext of {@code sealed}; throws {@link SecretBoxException} when it was sealed under an
   * unknown key, for another context, or altered.
   */
  public String open(String context, String sealed) {
    String[] parts = sealed == null ? new String[0] : sealed.split("\\.", 3);
    if (parts.length != 3 || !PREFIX.equals(parts[0])) {
      throw new SecretBoxException("not a sealed value");
    }
    SecretKeySpec key = keys.get(parts[1]);
    if (key == null) {
      throw new SecretBoxException("sealed under key " + parts[1] + ", which is not configured");
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new SecretBoxException("not a sealed value");
    }
    if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new SecretBoxException("not a sealed value");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
      cipher.updateAAD(aad(parts[1], context));
      byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new SecretBoxException("does not open: altered, or sealed for another context");
    }
  }

  private static byte[] aad(String keyId, String context) {
    return (PREFIX + "|" + keyId + "|" + context).getBytes(StandardCharsets.UTF_8);
  }

  /** A sealed value that does not open. Its message never holds the value or the key. */
  public static final class SecretBoxException extends RuntimeException {
    public SecretBoxException(String message) {
      super(message);
    }
  }
}
