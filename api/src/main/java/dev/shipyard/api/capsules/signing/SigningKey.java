package dev.shipyard.api.capsules.signing;

import java.time.OffsetDateTime;

/**
 * A row of {@code capsule_signing_keys}: a tenant's Ed25519 key. The private key stays sealed
 * ({@code privateKeySealed}, SecretBox) and is left out of {@link #toString()}.
 */
record SigningKey(
    String tenantId,
    String keyId,
    String algorithm,
    String publicKeyPem,
    String privateKeySealed,
    boolean active,
    OffsetDateTime createdAt,
    OffsetDateTime retiredAt) {

  /** The SecretBox context the private key is sealed for: its tenant and key ID. */
  static String sealingContext(String tenantId, String keyId) {
    return "capsule-signing:" + tenantId + ":" + keyId;
  }

  @Override
  public String toString() {
    return "SigningKey[tenantId="
        + tenantId
        + ", keyId="
        + keyId
        + ", algorithm="
        + algorithm
        + ", active="
        + active
        + ", createdAt="
        + createdAt
        + "]";
  }
}
