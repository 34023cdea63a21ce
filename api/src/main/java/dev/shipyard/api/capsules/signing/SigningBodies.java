package dev.shipyard.api.capsules.signing;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;

/** The request and response bodies of capsule signing (capsules-api.md §11 and beyond). */
final class SigningBodies {

  private SigningBodies() {}

  static final String ALGORITHMS = "Ed25519|HMAC-SHA256";

  /**
   * {@code POST /capsule/{id}/sign}'s optional body; each field may come from the query string
   * instead.
   */
  @Schema(name = "CapsuleSignRequest")
  record SignRequest(
      @JsonProperty("version_id") @Size(max = 100) String versionId,
      @Pattern(regexp = ALGORITHMS, message = "must be Ed25519 or HMAC-SHA256") String algorithm,
      @Schema(description = "HMAC-SHA256 only: the caller's key (never stored or logged)")
          @JsonProperty("private_key")
          @Size(max = 4096)
          String privateKey) {

    @Override
    public String toString() {
      return "SignRequest[versionId=" + versionId + ", algorithm=" + algorithm + "]";
    }
  }

  /** capsules-api.md §11's response, plus what names the signature and what it covers. */
  @Schema(name = "CapsuleSignature")
  record Signed(
      @JsonProperty("signature_id") String signatureId,
      @JsonProperty("capsule_id") String capsuleId,
      @JsonProperty("version_id") String versionId,
      @Schema(description = "Ed25519: base64 of the 64 signature bytes; HMAC-SHA256: sha256:<hex>")
          String signature,
      @Schema(allowableValues = {"Ed25519", "HMAC-SHA256"}) String algorithm,
      @Schema(
              nullable = true,
              description = "the tenant key that signed (Ed25519); null for HMAC-SHA256")
          @JsonProperty("key_id")
          String keyId,
      @Schema(description = "SHA-256 of the signed bytes: the version's canonical manifest")
          @JsonProperty("manifest_sha256")
          String manifestSha256,
      OffsetDateTime timestamp) {}

  /** {@code POST /capsule/{id}/verify}. */
  @Schema(name = "CapsuleVerifyRequest")
  record VerifyRequest(
      @NotBlank @Size(max = 4096) String signature,
      @Schema(description = "default: HMAC-SHA256 for a sha256:<hex> signature, else Ed25519")
          @Pattern(regexp = ALGORITHMS, message = "must be Ed25519 or HMAC-SHA256")
          String algorithm,
      @Schema(description = "the version to check; the head of main when absent")
          @JsonProperty("version_id")
          @Size(max = 100)
          String versionId,
      @Schema(
              description =
                  "Ed25519: the tenant key to check with; every key of the tenant when absent")
          @JsonProperty("key_id")
          @Size(max = 64)
          String keyId,
      @Schema(description = "HMAC-SHA256 only: the caller's key (never stored or logged)")
          @Size(max = 4096)
          String key) {

    @Override
    public String toString() {
      return "VerifyRequest[algorithm=" + algorithm + ", versionId=" + versionId + "]";
    }
  }

  /** Whether a signature holds for a version as stored now, and if not why. */
  @Schema(name = "CapsuleVerification")
  record Verification(
      boolean valid,
      @Schema(description = "why it is valid or not, in a sentence") String reason,
      @JsonProperty("capsule_id") String capsuleId,
      @JsonProperty("version_id") String versionId,
      @Schema(allowableValues = {"Ed25519", "HMAC-SHA256"}) String algorithm,
      @Schema(nullable = true, description = "the tenant key the signature verified with or names")
          @JsonProperty("key_id")
          String keyId,
      @Schema(nullable = true, description = "the stored signature this one is")
          @JsonProperty("signature_id")
          String signatureId,
      @Schema(description = "the digest of the version's manifest as checked")
          @JsonProperty("manifest_sha256")
          String manifestSha256,
      @Schema(
              description =
                  "files that differ from what was signed, or whose stored bytes no longer match"
                      + " their sha256")
          @JsonProperty("mismatched_files")
          List<String> mismatchedFiles) {}

  /** A tenant's public signing key. */
  @Schema(name = "CapsuleSigningKey")
  record PublicKey(
      @JsonProperty("key_id") String keyId,
      @Schema(allowableValues = {"Ed25519"}) String algorithm,
      @Schema(description = "PEM PUBLIC KEY (SubjectPublicKeyInfo), for openssl pkeyutl -pubin")
          @JsonProperty("public_key")
          String publicKey,
      boolean active,
      @JsonProperty("created_at") OffsetDateTime createdAt,
      @Schema(nullable = true) @JsonProperty("retired_at") OffsetDateTime retiredAt) {

    static PublicKey of(SigningKey key) {
      return new PublicKey(
          key.keyId(),
          key.algorithm(),
          key.publicKeyPem(),
          key.active(),
          key.createdAt(),
          key.retiredAt());
    }
  }

  /** {@code GET /capsules/signing-keys}: the caller's tenant's keys, newest first. */
  @Schema(name = "CapsuleSigningKeys")
  record PublicKeys(@JsonProperty("tenant_id") String tenantId, List<PublicKey> keys) {}

  /** One file of a canonical manifest (FileManifest). */
  @Schema(name = "CapsuleManifestEntry")
  record ManifestEntry(String sha256, long size) {}
}
