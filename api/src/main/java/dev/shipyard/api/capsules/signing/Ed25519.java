package dev.shipyard.api.capsules.signing;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The JDK's own Ed25519 (RFC 8032, no extra provider), in the encodings people verify with: the
 * public key as a PEM {@code PUBLIC KEY} (SubjectPublicKeyInfo, what {@code openssl pkeyutl -pubin}
 * reads), the private key as PKCS#8 DER (only ever handled sealed at rest), signatures as the raw
 * 64 bytes over the message itself ({@code -rawin}: Ed25519 hashes internally). Key generation
 * reads the system's entropy: call it off the event loop.
 */
final class Ed25519 {

  static final String ALGORITHM = "Ed25519";
  static final int SIGNATURE_BYTES = 64;

  private static final Pattern PEM_ARMOUR =
      Pattern.compile("-----(BEGIN|END) PUBLIC KEY-----|\\s+");

  private Ed25519() {}

  static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available in this JDK", e);
    }
  }

  /** The key ID: the first 16 hex digits of the SHA-256 of the public key's DER. */
  static String keyId(PublicKey key) {
    return dev.shipyard.storage.FileManifest.sha256(key.getEncoded()).substring(0, 16);
  }

  /** {@code -----BEGIN PUBLIC KEY-----}, base64 of the DER in lines of 64, {@code -----END...}. */
  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static PublicKey publicKey(String pem) {
    try {
      byte[] der = Base64.getDecoder().decode(PEM_ARMOUR.matcher(pem).replaceAll(""));
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("Stored public key does not parse", e);
    }
  }

  static PrivateKey privateKey(byte[] pkcs8) {
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Stored private key does not parse", e);
    }
  }

  static byte[] sign(PrivateKey key, byte[] message) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initSign(key);
      signature.update(message);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  static boolean verify(PublicKey key, byte[] message, byte[] signatureBytes) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initVerify(key);
      signature.update(message);
      return signature.verify(signatureBytes);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
