package dev.shipyard.api.apikeys;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.audit.AuditEntry;
import dev.shipyard.api.audit.AuditLog;
import dev.shipyard.api.audit.AuditOutcome;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Permission;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.api.web.Message;
import dev.shipyard.api.web.Pagination;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * API keys (container-engine-api.md: {@code /v1/api-keys}). The key is shown once, at creation;
 * only its SHA-256 digest and a short display prefix are stored. A key acts for its owner with the
 * owner's current permissions, narrowed to its scopes when it has any.
 */
@RestController
class ApiKeyController {

  private final ApiKeyStore keys;
  private final AuthProperties properties;
  private final AuditLog audit;
  private final Clock clock;

  ApiKeyController(ApiKeyStore keys, AuthProperties properties, AuditLog audit, Clock clock) {
    this.keys = keys;
    this.properties = properties;
    this.audit = audit;
    this.clock = clock;
  }

  /** {@code POST /v1/api-keys}: the only answer that carries the key itself. */
  record CreatedKey(
      String id,
      String name,
      String key,
      @JsonProperty("key_prefix") String keyPrefix,
      @JsonProperty("created_at") Instant createdAt,
      @JsonProperty("expires_at") @Schema(nullable = true) Instant expiresAt,
      @Schema(nullable = true) List<String> scopes) {
    @Override
    public String toString() {
      return "CreatedKey[id=" + id + ", keyPrefix=" + keyPrefix + ", key hidden]";
    }
  }

  /** A key in {@code GET /v1/api-keys}, without the key. */
  record KeySummary(
      String id,
      String name,
      @Schema(nullable = true) String description,
      @JsonProperty("key_prefix") String keyPrefix,
      @JsonProperty("created_at") Instant createdAt,
      @JsonProperty("expires_at") @Schema(nullable = true) Instant expiresAt,
      @JsonProperty("last_used") @Schema(nullable = true) Instant lastUsed,
      @Schema(nullable = true) List<String> scopes) {
    static KeySummary of(ApiKeyStore.StoredKey key) {
      return new KeySummary(
          key.id().toString(),
          key.name(),
          key.description(),
          key.keyPrefix(),
          key.createdAt().toInstant(),
          instant(key.expiresAt()),
          instant(key.lastUsed()),
          key.scopes() == null ? null : List.of(key.scopes()));
    }
  }

  /** {@code GET /v1/api-keys}. */
  record KeyPage(@JsonProperty("api_keys") List<KeySummary> apiKeys, Pagination.Page pagination) {}

  record CreateKey(
      @NotBlank @Size(max = 100) String name,
      @Size(max = 500) String description,
      @JsonProperty("expires_in_days") @Min(1) @Max(3650) Integer expiresInDays,
      @Size(max = 64) List<String> scopes) {}

  @PostMapping("/v1/api-keys")
  @ResponseStatus(HttpStatus.CREATED)
  @PreAuthorize("hasAuthority('apikey:create')")
  public Mono<CreatedKey> create(
      @AuthenticationPrincipal Caller caller,
      @Valid @RequestBody CreateKey request,
      ServerWebExchange exchange) {
    String[] scopes = scopes(caller, request.scopes());
    String secret = Secrets.token(30);
    String key = properties.apiKeyPrefix() + secret;
    String displayPrefix = properties.apiKeyPrefix() + secret.substring(0, 6);
    OffsetDateTime expires =
        request.expiresInDays() == null
            ? null
            : OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)
                .plusDays(request.expiresInDays());
    return keys.insert(
            caller, request.name(), request.description(), key, displayPrefix, scopes, expires)
        .flatMap(
            stored ->
                audit
                    .record(
                        exchange,
                        AuditEntry.by(caller, "apikey.created", AuditOutcome.SUCCESS)
                            .subject(stored.id().toString())
                            .detail("name", stored.name())
                            .detail("key_prefix", stored.keyPrefix()))
                    .thenReturn(stored))
        .map(
            stored ->
                new CreatedKey(
                    stored.id().toString(),
                    stored.name(),
                    key,
                    stored.keyPrefix(),
                    stored.createdAt().toInstant(),
                    instant(stored.expiresAt()),
                    stored.scopes() == null ? null : List.of(stored.scopes())));
  }

  /** Validates requested scopes: known permission names that the caller holds. */
  private static String[] scopes(Caller caller, List<String> requested) {
    if (requested == null) {
      return null;
    }
    for (String scope : requested) {
      Permission permission =
          Permission.fromValue(scope)
              .orElseThrow(
                  () ->
                      new ApiException(
                          new ApiError(
                              HttpStatus.BAD_REQUEST,
                              "VALIDATION_ERROR",
                              "Unknown scope '" + scope + "'",
                              "scopes")));
      if (!caller.has(permission)) {
        throw new ApiException(
            new ApiError(
                HttpStatus.BAD_REQUEST,
                "VALIDATION_ERROR",
                "Scope '" + scope + "' is wider than your own permissions",
                "scopes"));
      }
    }
    return requested.stream().distinct().toArray(String[]::new);
  }

  @GetMapping("/v1/api-keys")
  @PreAuthorize("hasAuthority('apikey:read')")
  public Mono<KeyPage> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer limit) {
    Pagination pagination = Pagination.of(page, limit);
    return keys.pageOf(caller.userId(), pagination.limit(), pagination.offset())
        .map(KeySummary::of)
        .collectList()
        .zipWith(keys.countOf(caller.userId()))
        .map(t -> new KeyPage(t.getT1(), pagination.describe(t.getT2())));
  }

  /**
   * Revokes at once. Owners revoke their keys, admins any key of their tenant; any other key,
   * existing or not, is a 404.
   */
  @DeleteMapping("/v1/api-keys/{keyId}")
  @PreAuthorize("hasAuthority('apikey:revoke')")
  public Mono<Message> revoke(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String keyId,
      ServerWebExchange exchange) {
    UUID id;
    try {
      id = UUID.fromString(keyId);
    } catch (IllegalArgumentException e) {
      return Mono.error(notFound());
    }
    return keys.revoke(caller, id)
        .flatMap(
            revoked ->
                revoked
                    ? audit
                        .record(
                            exchange,
                            AuditEntry.by(caller, "apikey.revoked", AuditOutcome.SUCCESS)
                                .subject(id.toString()))
                        .thenReturn(new Message("API key revoked successfully"))
                    : Mono.error(notFound()));
  }

  private static ApiException notFound() {
    return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "API key not found");
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
