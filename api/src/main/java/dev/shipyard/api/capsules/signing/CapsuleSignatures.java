package dev.shipyard.api.capsules.signing;

import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.capsules.CapsuleStore;
import dev.shipyard.api.capsules.signing.SigningBodies.Signed;
import dev.shipyard.api.capsules.signing.SigningBodies.Verification;
import dev.shipyard.api.capsules.versions.CapsuleVersion;
import dev.shipyard.api.capsules.versions.CapsuleVersions;
import dev.shipyard.api.capsules.versions.ResolvedVersion;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.Caller;
import dev.shipyard.storage.FileManifest;
import io.r2dbc.spi.Readable;
import java.security.PublicKey;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Signs a capsule version's canonical manifest ({@link FileManifest#bytes()}, the very bytes stored
 * under its key and served by {@code GET /capsule/{id}/manifest}), so anyone with the tenant's
 * public key can check it offline; records every signature ({@code capsule_signatures}); and
 * verifies by recomputing, never by trusting a row: the manifest is read back and checked against
 * its digest, every file's blob is hashed again, and the signature is checked over those bytes.
 * When a signature does not hold for a version but is one Shipyard made for another version, the
 * answer names the files in which the two differ.
 */
@Component
class CapsuleSignatures {

  private static final String COLUMNS =
      "id, capsule_id, version_id, algorithm, key_id, signature, manifest_sha256, manifest_key,"
          + " created_at";

  private final DatabaseClient db;
  private final CapsuleStore capsules;
  private final CapsuleVersions versions;
  private final SigningKeys keys;
  private final StoredFiles files;
  private final Clock clock;

  CapsuleSignatures(
      DatabaseClient db,
      CapsuleStore capsules,
      CapsuleVersions versions,
      SigningKeys keys,
      StoredFiles files,
      Clock clock) {
    this.db = db;
    this.capsules = capsules;
    this.versions = versions;
    this.keys = keys;
    this.files = files;
    this.clock = clock;
  }

  /** What to sign with: the tenant's Ed25519 key, or HMAC-SHA256 with the caller's key. */
  record SignOrder(String versionId, String algorithm, String hmacKey) {
    @Override
    public String toString() {
      return "SignOrder[versionId=" + versionId + ", algorithm=" + algorithm + "]";
    }
  }

  /** What to verify: a signature (or a stored one by ID) against a version. */
  record Check(
      String signature,
      String algorithm,
      String versionId,
      String keyId,
      String hmacKey,
      String signatureId) {
    @Override
    public String toString() {
      return "Check[algorithm=" + algorithm + ", versionId=" + versionId + "]";
    }
  }

  /** A row of {@code capsule_signatures}. */
  record StoredSignature(
      String id,
      String capsuleId,
      String versionId,
      String algorithm,
      String keyId,
      String signature,
      String manifestSha256,
      String manifestKey,
      OffsetDateTime createdAt) {}

  Mono<Signed> sign(Caller caller, String capsuleId, SignOrder order) {
    String algorithm = signingAlgorithm(order);
    return versions
        .resolve(caller, capsuleId, order.versionId())
        .flatMap(
            resolved ->
                canonicalManifest(resolved.version())
                    .flatMap(
                        bytes ->
                            HmacSha256.ALGORITHM.equals(algorithm)
                                ? Mono.fromCallable(() -> HmacSha256.sign(order.hmacKey(), bytes))
                                    .map(sig -> new Signature(sig, null))
                                : ed25519(resolved, bytes))
                    .flatMap(sig -> record(caller, resolved, algorithm, sig)));
  }

  Mono<Verification> verify(Caller caller, String capsuleId, Check check) {
    String algorithm = verifyingAlgorithm(check);
    byte[] ed25519 = Ed25519.ALGORITHM.equals(algorithm) ? ed25519Bytes(check.signature()) : null;
    if (HmacSha256.ALGORITHM.equals(algorithm) && isBlank(check.hmacKey())) {
      throw CapsuleErrors.badRequest(
          "key",
          "Verifying an HMAC-SHA256 signature needs its key: the body's key, the X-Signing-Key"
              + " header or the private_key query parameter");
    }
    return versions
        .resolve(caller, capsuleId, check.versionId())
        .flatMap(resolved -> verify(resolved, algorithm, ed25519, check));
  }

  /** The stored signature {@code signatureId} of a capsule the caller may see (404 otherwise). */
  Mono<StoredSignature> stored(Caller caller, String capsuleId, String signatureId) {
    return capsules
        .require(caller, capsuleId)
        .then(
            db.sql(
                    "SELECT "
                        + COLUMNS
                        + " FROM capsule_signatures WHERE id = :id AND capsule_id = :capsule")
                .bind("id", signatureId)
                .bind("capsule", capsuleId)
                .map(CapsuleSignatures::map)
                .one())
        .switchIfEmpty(
            Mono.error(
                () ->
                    new ApiException(
                        HttpStatus.NOT_FOUND,
                        "SIGNATURE_NOT_FOUND",
                        "Signature " + signatureId + " of capsule " + capsuleId + " not found")));
  }

  /**
   * The manifest bytes of a version exactly as stored (what its digest names; for every manifest
   * written through {@link FileManifest} these are its canonical bytes), read off the event loop
   * and checked against the version's digest: a missing or altered manifest is an {@link
   * IllegalStateException}, never signed or served.
   */
  Mono<byte[]> canonicalManifest(CapsuleVersion version) {
    return files
        .manifestBytes(version.manifestKey())
        .switchIfEmpty(
            Mono.error(
                () -> new IllegalStateException("Missing manifest " + version.manifestKey())))
        .map(
            bytes -> {
              if (!FileManifest.sha256(bytes).equals(version.manifestSha256())) {
                throw new IllegalStateException(
                    "Manifest " + version.manifestKey() + " does not match its digest");
              }
              return bytes;
            });
  }

  private record Signature(String value, String keyId) {}

  private Mono<Signature> ed25519(ResolvedVersion resolved, byte[] bytes) {
    return keys.active(resolved.capsule().tenantId())
        .publishOn(Schedulers.boundedElastic())
        .map(
            key ->
                new Signature(
                    Base64.getEncoder().encodeToString(Ed25519.sign(keys.privateKey(key), bytes)),
                    key.keyId()));
  }

  private Mono<Signed> record(
      Caller caller, ResolvedVersion resolved, String algorithm, Signature sig) {
    String id = "sig-" + UUID.randomUUID();
    CapsuleVersion version = resolved.version();
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    DatabaseClient.GenericExecuteSpec insert =
        db.sql(
                "INSERT INTO capsule_signatures (id, capsule_id, version_id, tenant_id, algorithm,"
                    + " key_id, signature, manifest_sha256, manifest_key, created_by, created_at)"
                    + " VALUES (:id, :capsule, :version, :tenant, :algorithm, :key, :signature,"
                    + " :sha, :manifest, :by, :now)")
            .bind("id", id)
            .bind("capsule", version.capsuleId())
            .bind("version", version.id())
            .bind("tenant", resolved.capsule().tenantId())
            .bind("algorithm", algorithm)
            .bind("signature", sig.value())
            .bind("sha", version.manifestSha256())
            .bind("manifest", version.manifestKey())
            .bind("by", caller.userId())
            .bind("now", now);
    insert =
        sig.keyId() == null
            ? insert.bindNull("key", String.class)
            : insert.bind("key", sig.keyId());
    return insert
        .fetch()
        .rowsUpdated()
        .thenReturn(
            new Signed(
                id,
                version.capsuleId(),
                version.id(),
                sig.value(),
                algorithm,
                sig.keyId(),
                version.manifestSha256(),
                now));
  }

  private Mono<Verification> verify(
      ResolvedVersion resolved, String algorithm, byte[] ed25519, Check check) {
    CapsuleVersion version = resolved.version();
    return canonicalManifest(version)
        .map(Optional::of)
        .onErrorResume(IllegalStateException.class, e -> Mono.just(Optional.empty()))
        .flatMap(
            bytes -> {
              if (bytes.isEmpty()) {
                return Mono.just(
                    result(
                        false,
                        "The manifest of version "
                            + version.id()
                            + " is missing or no longer matches its digest "
                            + version.manifestSha256(),
                        resolved,
                        algorithm,
                        check.keyId(),
                        check.signatureId(),
                        List.of()));
              }
              FileManifest manifest = FileManifest.parse(bytes.get());
              Mono<List<StoredFiles.Damage>> damage = files.damaged(manifest);
              Mono<Optional<String>> signedBy =
                  signatureHolds(resolved, algorithm, ed25519, check, bytes.get());
              Mono<Optional<StoredSignature>> known =
                  known(version.capsuleId(), algorithm, check)
                      .map(Optional::of)
                      .defaultIfEmpty(Optional.empty());
              return Mono.zip(damage, signedBy, known)
                  .flatMap(
                      t ->
                          conclude(
                              resolved, algorithm, manifest, check, t.getT1(), t.getT2(),
                              t.getT3()));
            });
  }

  /**
   * Empty when the signature does not hold over {@code bytes}; else the key ID it verified with
   * ({@code ""} for HMAC).
   */
  private Mono<Optional<String>> signatureHolds(
      ResolvedVersion resolved, String algorithm, byte[] ed25519, Check check, byte[] bytes) {
    if (HmacSha256.ALGORITHM.equals(algorithm)) {
      return Mono.fromCallable(
          () ->
              HmacSha256.verify(check.hmacKey(), bytes, check.signature())
                  ? Optional.of("")
                  : Optional.<String>empty());
    }
    String tenant = resolved.capsule().tenantId();
    Flux<SigningKey> candidates =
        check.keyId() == null ? keys.list(tenant) : keys.find(tenant, check.keyId()).flux();
    return candidates
        .filter(
            key -> {
              PublicKey pub = Ed25519.publicKey(key.publicKeyPem());
              return Ed25519.verify(pub, bytes, ed25519);
            })
        .next()
        .map(key -> Optional.of(key.keyId()))
        .defaultIfEmpty(Optional.empty());
  }

  /** The stored signature the check is about: by ID, or one with the same value. */
  private Mono<StoredSignature> known(String capsuleId, String algorithm, Check check) {
    if (check.signatureId() != null) {
      return db.sql(
              "SELECT " + COLUMNS + " FROM capsule_signatures WHERE id = :id AND capsule_id = :c")
          .bind("id", check.signatureId())
          .bind("c", capsuleId)
          .map(CapsuleSignatures::map)
          .one();
    }
    return db.sql(
            "SELECT "
                + COLUMNS
                + " FROM capsule_signatures WHERE capsule_id = :c AND signature = :s"
                + " AND algorithm = :a ORDER BY created_at DESC LIMIT 1")
        .bind("c", capsuleId)
        .bind("s", check.signature().trim())
        .bind("a", algorithm)
        .map(CapsuleSignatures::map)
        .one();
  }

  private Mono<Verification> conclude(
      ResolvedVersion resolved,
      String algorithm,
      FileManifest manifest,
      Check check,
      List<StoredFiles.Damage> damage,
      Optional<String> signedBy,
      Optional<StoredSignature> known) {
    CapsuleVersion version = resolved.version();
    String signatureId = known.map(StoredSignature::id).orElse(check.signatureId());
    String keyId =
        signedBy
            .filter(k -> !k.isEmpty())
            .orElse(known.map(StoredSignature::keyId).orElse(check.keyId()));
    String damageText =
        damage.isEmpty()
            ? ""
            : " Stored files no longer match the manifest: "
                + String.join(
                    "; ", damage.stream().map(d -> d.path() + " (" + d.problem() + ")").toList())
                + ".";
    List<String> damaged = damage.stream().map(StoredFiles.Damage::path).toList();
    if (signedBy.isPresent()) {
      return Mono.just(
          damage.isEmpty()
              ? result(
                  true,
                  "The "
                      + algorithm
                      + " signature holds over the manifest of version "
                      + version.id()
                      + " (sha256 "
                      + version.manifestSha256()
                      + ") and every file's stored bytes match it.",
                  resolved,
                  algorithm,
                  keyId,
                  signatureId,
                  List.of())
              : result(
                  false,
                  "The signature holds over the manifest of version "
                      + version.id()
                      + ", but the files are not intact."
                      + damageText,
                  resolved,
                  algorithm,
                  keyId,
                  signatureId,
                  damaged));
    }
    if (known.isPresent() && !known.get().manifestSha256().equals(version.manifestSha256())) {
      StoredSignature signed = known.get();
      return files
          .manifestBytes(signed.manifestKey())
          .map(FileManifest::parse)
          .map(
              signedManifest -> {
                List<String> differ = StoredFiles.differences(signedManifest, manifest);
                TreeSet<String> all = new TreeSet<>(differ);
                all.addAll(damaged);
                return result(
                    false,
                    "The signature was made over the manifest of version "
                        + signed.versionId()
                        + " (sha256 "
                        + signed.manifestSha256()
                        + "); version "
                        + version.id()
                        + " (sha256 "
                        + version.manifestSha256()
                        + ") differs in "
                        + differ.size()
                        + " file(s): "
                        + String.join(", ", differ)
                        + "."
                        + damageText,
                    resolved,
                    algorithm,
                    keyId,
                    signatureId,
                    new ArrayList<>(all));
              })
          .switchIfEmpty(
              Mono.fromSupplier(
                  () ->
                      result(
                          false,
                          "The signature was made over the manifest of version "
                              + signed.versionId()
                              + ", which is no longer stored; it does not hold over version "
                              + version.id()
                              + "."
                              + damageText,
                          resolved,
                          algorithm,
                          keyId,
                          signatureId,
                          damaged)));
    }
    String why =
        HmacSha256.ALGORITHM.equals(algorithm)
            ? "The HMAC-SHA256 signature does not match the manifest of version "
                + version.id()
                + " under the key given."
            : "The Ed25519 signature does not verify over the manifest of version "
                + version.id()
                + (check.keyId() == null
                    ? " with any signing key of the tenant."
                    : " with key " + check.keyId() + ".");
    return Mono.just(
        result(false, why + damageText, resolved, algorithm, keyId, signatureId, damaged));
  }

  private static Verification result(
      boolean valid,
      String reason,
      ResolvedVersion resolved,
      String algorithm,
      String keyId,
      String signatureId,
      List<String> mismatched) {
    CapsuleVersion v = resolved.version();
    return new Verification(
        valid,
        reason,
        v.capsuleId(),
        v.id(),
        algorithm,
        HmacSha256.ALGORITHM.equals(algorithm) ? null : keyId,
        signatureId,
        v.manifestSha256(),
        List.copyOf(mismatched));
  }

  private static String signingAlgorithm(SignOrder order) {
    String algorithm =
        order.algorithm() != null
            ? order.algorithm()
            : order.hmacKey() != null ? HmacSha256.ALGORITHM : Ed25519.ALGORITHM;
    if (HmacSha256.ALGORITHM.equals(algorithm) && isBlank(order.hmacKey())) {
      throw CapsuleErrors.badRequest(
          "private_key",
          "HMAC-SHA256 needs the caller's key: the private_key query parameter, the body's"
              + " private_key or the X-Signing-Key header");
    }
    if (Ed25519.ALGORITHM.equals(algorithm) && order.hmacKey() != null) {
      throw CapsuleErrors.badRequest(
          "private_key",
          "Ed25519 signs with the tenant's server-managed key; a private_key is only for"
              + " HMAC-SHA256");
    }
    checkAlgorithm(algorithm, "algorithm");
    return algorithm;
  }

  private static String verifyingAlgorithm(Check check) {
    String algorithm =
        check.algorithm() != null
            ? check.algorithm()
            : check.signature().trim().startsWith(HmacSha256.PREFIX)
                ? HmacSha256.ALGORITHM
                : Ed25519.ALGORITHM;
    checkAlgorithm(algorithm, "algorithm");
    return algorithm;
  }

  private static void checkAlgorithm(String algorithm, String field) {
    if (!Ed25519.ALGORITHM.equals(algorithm) && !HmacSha256.ALGORITHM.equals(algorithm)) {
      throw CapsuleErrors.badRequest(
          field, "Unsupported algorithm '" + algorithm + "'; supported: Ed25519, HMAC-SHA256");
    }
  }

  private static byte[] ed25519Bytes(String signature) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(signature.trim());
    } catch (IllegalArgumentException e) {
      throw CapsuleErrors.badRequest("signature", "An Ed25519 signature is base64");
    }
    if (bytes.length != Ed25519.SIGNATURE_BYTES) {
      throw CapsuleErrors.badRequest(
          "signature",
          "An Ed25519 signature is "
              + Ed25519.SIGNATURE_BYTES
              + " bytes (base64); this one is "
              + bytes.length);
    }
    return bytes;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static StoredSignature map(Readable row) {
    return new StoredSignature(
        row.get("id", String.class),
        row.get("capsule_id", String.class),
        row.get("version_id", String.class),
        row.get("algorithm", String.class),
        row.get("key_id", String.class),
        row.get("signature", String.class),
        row.get("manifest_sha256", String.class),
        row.get("manifest_key", String.class),
        row.get("created_at", OffsetDateTime.class));
  }
}
