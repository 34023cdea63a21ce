package dev.shipyard.api.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipyard.api.deployments.DeploymentBodies.Created;
import dev.shipyard.api.deployments.DeploymentStore.Row;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.ratelimit.RateClass;
import dev.shipyard.api.ratelimit.RateLimit;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.web.Message;
import dev.shipyard.api.web.Pagination;
import dev.shipyard.api.web.RequestIds;
import dev.shipyard.workflows.deployments.DeploymentPhase;
import dev.shipyard.workflows.deployments.ObservedState;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * container-engine-api.md "Container Deployment Management", "Custom Domain Management" and "Get
 * Deployment Status", beyond it rollback and releases. Each deployment is one entity workflow
 * ({@code deployment-<id>}); reads come from PostgreSQL, changes are Workflow Updates.
 */
@RestController
class DeploymentsController {

  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,255}");
  private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Set<String> STATUSES =
      Set.of("pending", "deploying", "running", "updating", "stopped", "failed", "deleting");

  private final Deployments deployments;
  private final DeploymentStore store;
  private final RegistryAccess registries;

  DeploymentsController(Deployments deployments, DeploymentStore store, RegistryAccess registries) {
    this.deployments = deployments;
    this.store = store;
    this.registries = registries;
  }

  /** The message of an accepted change, with what the registry check said when it was not asked. */
  private static String withNote(String message, RegistryAccess.Verdict verdict) {
    return verdict.asked() || verdict.note() == null ? message : message + "; " + verdict.note();
  }

  @PostMapping("/v1/deployments")
  @PreAuthorize("hasAuthority('deployment:create')")
  @RateLimit(RateClass.HEAVY)
  @DocumentedErrors({
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = DeploymentBodies.CreateRequest.class)))
  @ApiResponse(
      responseCode = "201",
      description = "accepted: status pending; follow GET /v1/deployments/{id}",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = Created.class)))
  public Mono<ResponseEntity<Created>> create(
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
      @RequestBody JsonNode body,
      ServerWebExchange exchange) {
    DeploymentRequests.NewDeployment request = DeploymentRequests.engineCreate(body);
    String key = idempotencyKey(idempotencyKey);
    return registries
        .verify(request.image(), request.registryAuth())
        .flatMap(
            verdict ->
                deployments
                    .create(
                        caller,
                        request,
                        key,
                        deployments.requestHash("v1", body),
                        RequestIds.of(exchange))
                    .map(
                        row ->
                            ResponseEntity.status(HttpStatus.CREATED)
                                .body(
                                    new Created(
                                        row.id().toString(),
                                        row.appName(),
                                        row.image(),
                                        row.status(),
                                        null,
                                        time(row.createdAt()),
                                        withNote("Deployment is being processed", verdict)))));
  }

  static String idempotencyKey(String value) {
    if (value == null) {
      return null;
    }
    if (!IDEMPOTENCY_KEY.matcher(value).matches()) {
      throw new ApiException(
          ApiError.validation(
              HttpStatus.BAD_REQUEST,
              "Idempotency-Key",
              "Idempotency-Key must be 1 to 255 of [A-Za-z0-9._:-]"));
    }
    return value;
  }

  @GetMapping("/v1/deployments")
  @PreAuthorize("hasAuthority('deployment:read')")
  public Mono<DeploymentBodies.Page> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String status) {
    Pagination pagination = Pagination.of(page, limit);
    if (status != null && !STATUSES.contains(status)) {
      throw new ApiException(
          ApiError.validation(
              HttpStatus.BAD_REQUEST,
              "status",
              "status must be one of pending, deploying, running, updating, stopped, failed,"
                  + " deleting"));
    }
    return store
        .list(caller, status, pagination.limit(), pagination.offset())
        .map(DeploymentsController::summary)
        .collectList()
        .zipWith(store.count(caller, status))
        .map(t -> new DeploymentBodies.Page(t.getT1(), pagination.describe(t.getT2())));
  }

  private static DeploymentBodies.Summary summary(Row r) {
    return new DeploymentBodies.Summary(
        r.id().toString(),
        r.appName(),
        r.image(),
        r.status(),
        r.url(),
        r.replicas(),
        time(r.createdAt()),
        time(r.updatedAt()));
  }

  @GetMapping("/v1/deployments/{deploymentId}")
  @PreAuthorize("hasAuthority('deployment:read')")
  public Mono<DeploymentBodies.Detail> get(
      @AuthenticationPrincipal Caller caller, @PathVariable String deploymentId) {
    return require(caller, deploymentId)
        .flatMap(
            r ->
                (r.ownerId().equals(caller.userId())
                        ? deployments.env(r)
                        : Mono.just(java.util.Map.<String, String>of()))
                    .map(
                        env ->
                            new DeploymentBodies.Detail(
                                r.id().toString(),
                                r.ownerId().toString(),
                                r.appName(),
                                r.image(),
                                r.status(),
                                r.url(),
                                r.port(),
                                env,
                                r.replicas(),
                                r.availableReplicas(),
                                DeploymentBodies.ResourcesBody.of(r.resources()),
                                DeploymentBodies.HealthCheckBody.of(r.healthCheck()),
                                r.digest(),
                                time(r.createdAt()),
                                time(r.updatedAt()),
                                time(r.deployedAt()),
                                DeploymentPhase.FAILED.value().equals(r.status())
                                    ? r.error()
                                    : null)));
  }

  @PutMapping("/v1/deployments/{deploymentId}")
  @PreAuthorize("hasAuthority('deployment:update')")
  @DocumentedErrors({
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = DeploymentBodies.UpdateRequest.class)))
  public Mono<DeploymentBodies.Updated> update(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String deploymentId,
      @RequestBody JsonNode body,
      ServerWebExchange exchange) {
    DeploymentRequests.SpecUpdate update = DeploymentRequests.engineUpdate(body);
    return require(caller, deploymentId)
        .flatMap(
            row ->
                registries
                    .verify(
                        update.image() != null ? update.image() : row.image(),
                        update.registryAuth())
                    .flatMap(
                        verdict ->
                            deployments
                                .update(caller, row, update, RequestIds.of(exchange))
                                .map(
                                    result ->
                                        new DeploymentBodies.Updated(
                                            row.id().toString(),
                                            result.phase().value(),
                                            withNote("Deployment update in progress", verdict),
                                            result.release(),
                                            Instant.now().toString()))));
  }

  @PatchMapping("/v1/deployments/{deploymentId}/scale")
  @PreAuthorize("hasAuthority('deployment:update')")
  @DocumentedErrors({
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = DeploymentBodies.ScaleRequest.class)))
  public Mono<DeploymentBodies.Scaled> scale(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String deploymentId,
      @RequestBody JsonNode body,
      ServerWebExchange exchange) {
    int replicas = DeploymentRequests.scale(body, HttpStatus.BAD_REQUEST);
    return require(caller, deploymentId)
        .flatMap(
            row ->
                deployments
                    .scale(caller, row, replicas, RequestIds.of(exchange))
                    .map(
                        result ->
                            new DeploymentBodies.Scaled(
                                row.id().toString(),
                                result.replicas(),
                                result.phase().value(),
                                "Deployment scaled successfully")));
  }

  @PostMapping("/v1/deployments/{deploymentId}/stop")
  @PreAuthorize("hasAuthority('deployment:update')")
  @DocumentedErrors({
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  public Mono<DeploymentBodies.Stopped> stop(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String deploymentId,
      ServerWebExchange exchange) {
    return require(caller, deploymentId)
        .flatMap(
            row ->
                deployments
                    .stop(caller, row, RequestIds.of(exchange))
                    .map(
                        result ->
                            new DeploymentBodies.Stopped(
                                row.id().toString(),
                                result.phase().value(),
                                "Deployment stopped successfully")));
  }

  @PostMapping("/v1/deployments/{deploymentId}/start")
  @PreAuthorize("hasAuthority('deployment:update')")
  @DocumentedErrors({
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  public Mono<DeploymentBodies.Started> start(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String deploymentId,
      ServerWebExchange exchange) {
    return require(caller, deploymentId)
        .flatMap(
            row ->
                deployments
                    .start(caller, row, RequestIds.of(exchange))
                    .map(
                        result ->
                            new DeploymentBodies.Started(
                                row.id().toString(),
                                result.phase().value(),
                                result.replicas(),
                                "Deployment started successfully")));
  }

  @DeleteMapping("/v1/deployments/{deploymentId}")
  @PreAuthorize("hasAuthority('deployment:delete')")
  @DocumentedErrors({
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  public Mono<DeploymentBodies.Deleted> delete(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String deploymentId,
      ServerWebExchange exchange) {
    return require(caller, deploymentId)
        .flatMap(
            row ->
                deployments
                    .delete(caller, row, RequestIds.of(exchange))
                    .map(
                        result ->
                            new DeploymentBodies.Deleted(
                                "Deployment deleted successfully",
                                row.id().toString(),
                                row.appName(),
                                result.namespaceDeleted())));
  }

  @PostMapping("/v1/deployments/{deploymentId}/rollback")
  @PreAuthorize("hasAuthority('deployment:update')")
  @DocumentedErrors({
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = DeploymentBodies.RollbackRequest.class)))
  public Mono<DeploymentBodies.RolledBack> rollback(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String deploymentId,
      @RequestBody JsonNode body,
      ServerWebExchange exchange) {
    DeploymentRequests.RollbackTarget target = DeploymentRequests.rollback(body);
    return require(caller, deploymentId)
        .flatMap(
            row ->
                deployments
                    .rollback(caller, row, target, RequestIds.of(exchange))
                    .map(
                        result ->
                            new DeploymentBodies.RolledBack(
                                row.id().toString(),
                                result.phase().value(),
                                result.release(),
                                result.message() == null
                                    ? "Rollback in progress"
                                    : result.message())));
  }

  @GetMapping("/v1/deployments/{deploymentId}/releases")
  @PreAuthorize("hasAuthority('deployment:read')")
  public Mono<DeploymentBodies.ReleasePage> releases(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String deploymentId,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer limit) {
    Pagination pagination = Pagination.of(page, limit);
    return require(caller, deploymentId)
        .flatMap(
            row ->
                store
                    .releases(row.id(), pagination.limit(), pagination.offset())
                    .map(
                        r ->
                            new DeploymentBodies.ReleaseBody(
                                r.number(),
                                r.change(),
                                r.image(),
                                r.digest(),
                                r.author(),
                                r.status(),
                                r.reason(),
                                time(r.createdAt())))
                    .collectList()
                    .zipWith(store.countReleases(row.id()))
                    .map(
                        t ->
                            new DeploymentBodies.ReleasePage(
                                t.getT1(), pagination.describe(t.getT2()))));
  }

  // --- custom domains ---

  @PostMapping("/v1/deployments/{deploymentId}/domains")
  @PreAuthorize("hasAuthority('deployment:update')")
  @DocumentedErrors({
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = DeploymentBodies.DomainRequest.class)))
  @ApiResponse(
      responseCode = "201",
      description = "the domain's Ingress is written",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = DeploymentBodies.Domain.class)))
  public Mono<ResponseEntity<DeploymentBodies.Domain>> addDomain(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String deploymentId,
      @RequestBody JsonNode body,
      ServerWebExchange exchange) {
    String host = hostname(body, deployments.cluster().domainSuffix());
    return require(caller, deploymentId)
        .flatMap(
            row ->
                store
                    .reserveDomain(row.id(), host)
                    .flatMap(
                        domain ->
                            deployments
                                .addDomain(caller, row, domain.id(), host, RequestIds.of(exchange))
                                .onErrorResume(
                                    Deployments::refused,
                                    e -> store.freeDomain(domain.id()).then(Mono.error(e)))
                                .thenReturn(
                                    ResponseEntity.status(HttpStatus.CREATED)
                                        .body(domain(domain)))));
  }

  @GetMapping("/v1/deployments/{deploymentId}/domains")
  @PreAuthorize("hasAuthority('deployment:read')")
  public Mono<DeploymentBodies.Domains> domains(
      @AuthenticationPrincipal Caller caller, @PathVariable String deploymentId) {
    return require(caller, deploymentId)
        .flatMap(row -> store.domains(row.id()).map(this::domain).collectList())
        .map(DeploymentBodies.Domains::new);
  }

  @DeleteMapping("/v1/deployments/{deploymentId}/domains/{domainId}")
  @PreAuthorize("hasAuthority('deployment:update')")
  @DocumentedErrors({
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  public Mono<Message> removeDomain(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String deploymentId,
      @PathVariable String domainId,
      ServerWebExchange exchange) {
    UUID id = uuid(domainId, "Domain");
    return require(caller, deploymentId)
        .flatMap(
            row ->
                store
                    .domain(row.id(), id)
                    .switchIfEmpty(Mono.error(() -> notFound("Domain", domainId)))
                    .flatMap(
                        domain ->
                            deployments
                                .removeDomain(caller, row, id, RequestIds.of(exchange))
                                .then(store.freeDomain(id))
                                .thenReturn(new Message("Domain " + domain.host() + " removed"))));
  }

  private DeploymentBodies.Domain domain(DeploymentStore.DomainRow d) {
    String issuer = deployments.cluster().clusterIssuer();
    return new DeploymentBodies.Domain(
        d.id().toString(),
        d.host(),
        d.deploymentId().toString(),
        "active",
        issuer != null && !issuer.isBlank(),
        time(d.createdAt()));
  }

  /**
   * A custom domain: a host name by RFC 1123 (lower-cased, one trailing dot dropped, at least two
   * labels, not an IP address), never the platform's own {@code DOMAIN_SUFFIX} or a name under it
   * (those are the deployments' own URLs).
   */
  static String hostname(JsonNode body, String domainSuffix) {
    HttpStatus invalid = HttpStatus.BAD_REQUEST;
    DeploymentRequests.object(body, Set.of("domain"), invalid);
    String host =
        DeploymentRequests.text(
                DeploymentRequests.required(body, "domain", invalid), "domain", invalid)
            .trim()
            .toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    String[] labels = host.split("\\.", -1);
    boolean valid = host.length() <= 253 && labels.length >= 2;
    for (String label : labels) {
      valid &= label.length() <= 63 && HOST_LABEL.matcher(label).matches();
    }
    if (!valid || labels[labels.length - 1].matches("[0-9]+")) {
      throw DeploymentRequests.invalid(
          invalid,
          "domain",
          "domain '"
              + DeploymentRequests.clip(host)
              + "' is not a host name (labels of letters, digits and '-', dot-separated)");
    }
    String suffix = domainSuffix.toLowerCase(Locale.ROOT);
    if (host.equals(suffix) || host.endsWith("." + suffix)) {
      throw DeploymentRequests.invalid(
          invalid,
          "domain",
          "domain must not be under the platform's own domain " + suffix + " (DOMAIN_SUFFIX)");
    }
    return host;
  }

  // --- status ---

  @GetMapping("/v1/deployments/{deploymentId}/status")
  @PreAuthorize("hasAuthority('deployment:read')")
  @DocumentedErrors({HttpStatus.SERVICE_UNAVAILABLE})
  public Mono<DeploymentBodies.Status> status(
      @AuthenticationPrincipal Caller caller, @PathVariable String deploymentId) {
    return require(caller, deploymentId)
        .flatMap(
            row ->
                deployments
                    .refresh(row)
                    .map(observed -> status(row, observed, "cluster"))
                    .onErrorResume(
                        e ->
                            !(e instanceof ApiException api
                                && api.error().status() == HttpStatus.NOT_FOUND),
                        e ->
                            deployments
                                .lastObservation(row)
                                .map(observed -> status(row, observed, "last_observation"))
                                .switchIfEmpty(
                                    Mono.error(
                                        () ->
                                            new ApiException(
                                                HttpStatus.SERVICE_UNAVAILABLE,
                                                "STATUS_UNAVAILABLE",
                                                "The cluster has not been read for this deployment"
                                                    + " yet and could not be read now; try"
                                                    + " again")))));
  }

  private static DeploymentBodies.Status status(Row row, ObservedState o, String source) {
    return new DeploymentBodies.Status(
        row.status(),
        o.health(),
        new DeploymentBodies.Replicas(o.desired(), o.ready(), o.available()),
        Instant.ofEpochMilli(o.at()).toString(),
        uptime(o.since() == null || o.ready() == 0 ? null : o.since(), Instant.now()),
        o.restartCount(),
        o.cluster(),
        source,
        o.reason(),
        o.message(),
        o.drift());
  }

  /** {@code 2h3m4s}, {@code 5m0s}, {@code 12s}; {@code 0s} when nothing is up. */
  static String uptime(Long since, Instant now) {
    if (since == null) {
      return "0s";
    }
    long s = Math.max(0, Duration.between(Instant.ofEpochMilli(since), now).toSeconds());
    long h = s / 3600;
    long m = (s % 3600) / 60;
    long sec = s % 60;
    if (h > 0) {
      return h + "h" + m + "m" + sec + "s";
    }
    if (m > 0) {
      return m + "m" + sec + "s";
    }
    return sec + "s";
  }

  // --- helpers ---

  private Mono<Row> require(Caller caller, String deploymentId) {
    UUID id;
    try {
      id = UUID.fromString(deploymentId);
    } catch (IllegalArgumentException e) {
      return Mono.error(notFound("Deployment", deploymentId));
    }
    return store
        .find(caller, id)
        .switchIfEmpty(Mono.error(() -> notFound("Deployment", deploymentId)));
  }

  private static UUID uuid(String value, String what) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw notFound(what, value);
    }
  }

  static ApiException notFound(String what, String id) {
    return new ApiException(
        HttpStatus.NOT_FOUND, "NOT_FOUND", what + " " + DeploymentRequests.clip(id) + " not found");
  }

  static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
