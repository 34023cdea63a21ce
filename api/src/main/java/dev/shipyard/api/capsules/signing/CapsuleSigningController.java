package dev.shipyard.api.capsules.signing;

import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.capsules.signing.CapsuleSignatures.Check;
import dev.shipyard.api.capsules.signing.CapsuleSignatures.SignOrder;
import dev.shipyard.api.capsules.signing.SigningBodies.PublicKey;
import dev.shipyard.api.capsules.signing.SigningBodies.PublicKeys;
import dev.shipyard.api.capsules.signing.SigningBodies.SignRequest;
import dev.shipyard.api.capsules.signing.SigningBodies.Signed;
import dev.shipyard.api.capsules.signing.SigningBodies.Verification;
import dev.shipyard.api.capsules.signing.SigningBodies.VerifyRequest;
import dev.shipyard.api.capsules.versions.CapsuleVersions;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * capsules-api.md §11 and what makes it checkable by anyone: sign a version's canonical manifest
 * (the tenant's Ed25519 key by default, HMAC-SHA256 with the caller's key for compatibility), the
 * manifest's exact bytes and the tenant's public keys for offline verification, and verification
 * that recomputes everything. Signing and key rotation change things ({@code capsule:update}; a
 * rotation, for the whole tenant, is for admins); the rest reads ({@code capsule:read}).
 */
@RestController
class CapsuleSigningController {

  static final String PEM = "application/x-pem-file";
  static final String MANIFEST_DIGEST = "X-Manifest-SHA256";
  static final String VERSION = "X-Capsule-Version";

  private final CapsuleSignatures signatures;
  private final SigningKeys keys;
  private final CapsuleVersions versions;

  CapsuleSigningController(
      CapsuleSignatures signatures, SigningKeys keys, CapsuleVersions versions) {
    this.signatures = signatures;
    this.keys = keys;
    this.versions = versions;
  }

  @PostMapping("/capsule/{capsuleId}/sign")
  @PreAuthorize("hasAuthority('capsule:update')")
  @DocumentedErrors({HttpStatus.CONFLICT, HttpStatus.SERVICE_UNAVAILABLE})
  @Parameter(
      name = SigningKeyRelocation.PARAMETER,
      in = ParameterIn.QUERY,
      description =
          "HMAC-SHA256: the caller's key, as capsules-api.md documents it (removed from the URI"
              + " before any log sees it; never stored)",
      schema = @Schema(type = "string"))
  @Parameter(
      name = SigningKeyRelocation.HEADER,
      in = ParameterIn.HEADER,
      description = "HMAC-SHA256: the caller's key (never stored or logged)",
      schema = @Schema(type = "string"))
  public Mono<Signed> sign(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @Parameter(description = "the version to sign; the head of main when absent")
          @RequestParam(name = "version_id", required = false)
          String versionId,
      @Parameter(description = "Ed25519 (default) or HMAC-SHA256 (default when a key is given)")
          @RequestParam(name = "algorithm", required = false)
          String algorithm,
      @Parameter(hidden = true) @RequestHeader(name = SigningKeyRelocation.HEADER, required = false)
          List<String> headerKeys,
      @Valid @RequestBody(required = false) SignRequest body) {
    String version = agree("version_id", versionId, body == null ? null : body.versionId());
    String algo = agree("algorithm", algorithm, body == null ? null : body.algorithm());
    String key = hmacKey("private_key", headerKeys, body == null ? null : body.privateKey());
    return signatures.sign(caller, capsuleId, new SignOrder(version, algo, key));
  }

  @PostMapping("/capsule/{capsuleId}/verify")
  @PreAuthorize("hasAuthority('capsule:read')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @Parameter(
      name = SigningKeyRelocation.HEADER,
      in = ParameterIn.HEADER,
      description = "HMAC-SHA256: the key to check with (never stored or logged)",
      schema = @Schema(type = "string"))
  public Mono<Verification> verify(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @Parameter(hidden = true) @RequestHeader(name = SigningKeyRelocation.HEADER, required = false)
          List<String> headerKeys,
      @Valid @RequestBody VerifyRequest body) {
    String key = hmacKey("key", headerKeys, body.key());
    return signatures.verify(
        caller,
        capsuleId,
        new Check(body.signature(), body.algorithm(), body.versionId(), body.keyId(), key, null));
  }

  @GetMapping("/capsule/{capsuleId}/verify")
  @PreAuthorize("hasAuthority('capsule:read')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @Parameter(
      name = SigningKeyRelocation.HEADER,
      in = ParameterIn.HEADER,
      description = "HMAC-SHA256 signatures: the key to check with (never stored or logged)",
      schema = @Schema(type = "string"))
  public Mono<Verification> verifyStored(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @Parameter(description = "a signature made by POST /capsule/{capsule_id}/sign")
          @RequestParam(name = "signature_id")
          String signatureId,
      @Parameter(description = "the version to check; the signed version when absent")
          @RequestParam(name = "version_id", required = false)
          String versionId,
      @Parameter(hidden = true) @RequestHeader(name = SigningKeyRelocation.HEADER, required = false)
          List<String> headerKeys) {
    String key = hmacKey("key", headerKeys, null);
    return signatures
        .stored(caller, capsuleId, signatureId)
        .flatMap(
            stored ->
                signatures.verify(
                    caller,
                    capsuleId,
                    new Check(
                        stored.signature(),
                        stored.algorithm(),
                        versionId != null ? versionId : stored.versionId(),
                        stored.keyId(),
                        key,
                        stored.id())));
  }

  @GetMapping("/capsule/{capsuleId}/manifest")
  @PreAuthorize("hasAuthority('capsule:read')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @ApiResponse(
      responseCode = "200",
      description =
          "the version's canonical manifest, byte for byte what is signed: a JSON object of path"
              + " -> {sha256, size}, sorted by path, no whitespace",
      headers = {
        @Header(
            name = MANIFEST_DIGEST,
            description = "SHA-256 (hex) of the body",
            schema = @Schema(type = "string")),
        @Header(
            name = VERSION,
            description = "the version the manifest is of",
            schema = @Schema(type = "string"))
      },
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema =
                  @Schema(
                      type = "object",
                      additionalPropertiesSchema = SigningBodies.ManifestEntry.class)))
  public Mono<ResponseEntity<byte[]>> manifest(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @Parameter(description = "the version; the head of main when absent")
          @RequestParam(name = "version_id", required = false)
          String versionId) {
    return versions
        .resolve(caller, capsuleId, versionId)
        .flatMap(
            resolved ->
                signatures
                    .canonicalManifest(resolved.version())
                    .map(
                        bytes ->
                            ResponseEntity.ok()
                                .contentType(MediaType.APPLICATION_JSON)
                                .header(MANIFEST_DIGEST, resolved.version().manifestSha256())
                                .header(VERSION, resolved.version().id())
                                .body(bytes)));
  }

  @GetMapping("/capsules/signing-keys")
  @PreAuthorize("hasAuthority('capsule:read')")
  public Mono<PublicKeys> publicKeys(@AuthenticationPrincipal Caller caller) {
    return keys.list(caller.tenantId())
        .map(PublicKey::of)
        .collectList()
        .map(list -> new PublicKeys(caller.tenantId(), list));
  }

  @GetMapping("/capsules/signing-keys/{keyId}")
  @PreAuthorize("hasAuthority('capsule:read')")
  @ApiResponse(
      responseCode = "200",
      description =
          "the key as JSON, or with Accept: application/x-pem-file the PEM PUBLIC KEY alone (for"
              + " openssl pkeyutl -pubin -inkey)",
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = PublicKey.class)),
        @Content(mediaType = PEM, schema = @Schema(type = "string"))
      })
  public Mono<ResponseEntity<Object>> publicKey(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String keyId,
      @RequestHeader HttpHeaders headers) {
    boolean pem =
        headers.getAccept().stream().anyMatch(m -> PEM.equals(m.getType() + "/" + m.getSubtype()));
    return keys.find(caller.tenantId(), keyId)
        .switchIfEmpty(
            Mono.error(
                () ->
                    new ApiException(
                        HttpStatus.NOT_FOUND,
                        "SIGNING_KEY_NOT_FOUND",
                        "Signing key " + keyId + " not found")))
        .map(
            key ->
                pem
                    ? ResponseEntity.ok()
                        .contentType(MediaType.parseMediaType(PEM))
                        .header(
                            HttpHeaders.CONTENT_DISPOSITION,
                            "attachment; filename=\"" + key.keyId() + ".pem\"")
                        .body((Object) key.publicKeyPem().getBytes(StandardCharsets.US_ASCII))
                    : ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body((Object) PublicKey.of(key)));
  }

  @PostMapping("/capsules/signing-keys/rotate")
  @PreAuthorize("hasAuthority('capsule:update') and hasAuthority('user:manage')")
  @DocumentedErrors({HttpStatus.SERVICE_UNAVAILABLE})
  @ApiResponse(
      responseCode = "201",
      description = "the tenant's new active key; the previous one stays listed, retired",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = PublicKey.class)))
  public Mono<ResponseEntity<PublicKey>> rotate(@AuthenticationPrincipal Caller caller) {
    return keys.rotate(caller.tenantId())
        .map(key -> ResponseEntity.status(HttpStatus.CREATED).body(PublicKey.of(key)));
  }

  /** The one value given for {@code field} in the query string and the body (400 if two differ). */
  private static String agree(String field, String query, String body) {
    if (query != null && body != null && !query.equals(body)) {
      throw CapsuleErrors.badRequest(
          field, field + " is given in the query string and the body with different values");
    }
    return query != null ? query : body;
  }

  /**
   * The HMAC key from the {@code X-Signing-Key} header (where the query's {@code private_key} is
   * moved) and the body: null when none, 400 when they differ. The message never holds a key.
   */
  private static String hmacKey(String field, List<String> header, String body) {
    Set<String> given = new LinkedHashSet<>();
    if (header != null) {
      given.addAll(header);
    }
    if (body != null) {
      given.add(body);
    }
    if (given.size() > 1) {
      throw CapsuleErrors.badRequest(
          field,
          "The signing key is given more than once (private_key query parameter, X-Signing-Key"
              + " header, body) with different values");
    }
    return given.isEmpty() ? null : given.iterator().next();
  }
}
