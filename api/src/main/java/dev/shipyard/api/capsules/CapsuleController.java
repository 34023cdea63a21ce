package dev.shipyard.api.capsules;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.ApiFamily;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.ratelimit.RateClass;
import dev.shipyard.api.ratelimit.RateLimit;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.web.OutboundUrls;
import dev.shipyard.workflows.capsules.GenerationResult;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.responses.ApiResponses;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** capsules-api.md §1–3: generate, read and list capsules; plus progress and cancel. */
@RestController
class CapsuleController {

  private final CapsuleService service;
  private final CapsuleStore store;
  private final CapsuleGenerations generations;
  private final OutboundUrls outbound;

  CapsuleController(
      CapsuleService service,
      CapsuleStore store,
      CapsuleGenerations generations,
      OutboundUrls outbound) {
    this.service = service;
    this.store = store;
    this.generations = generations;
    this.outbound = outbound;
  }

  record GenerateRequest(
      @Size(max = 128)
          @Pattern(
              regexp = "[A-Za-z0-9._:-]+",
              message = "must be letters, digits, '.', '_', ':' or '-'")
          String id,
      @JsonProperty("tenant_id") String tenantId,
      @JsonProperty("user_id") String userId,
      @NotBlank @Size(max = 5000) String description,
      @Size(max = 10000) String requirements,
      @Size(max = 20) Map<String, @Size(max = 100) String> constraints,
      @Valid Metadata metadata) {}

  record Metadata(
      @JsonProperty("target_score") @DecimalMin("0.1") @DecimalMax("1.0") Double targetScore,
      @JsonProperty("max_iterations") @Min(1) @Max(10) Integer maxIterations,
      @Pattern(regexp = "offline|llm", message = "must be offline or llm") String engine,
      @JsonProperty("webhook_url") @Size(max = 2000) String webhookUrl,
      @JsonProperty("save_to_disk") Boolean saveToDisk) {}

  @PostMapping("/generate/robust-capsule")
  @PreAuthorize("hasAuthority('capsule:create')")
  @RateLimit(RateClass.HEAVY)
  @DocumentedErrors({HttpStatus.SERVICE_UNAVAILABLE})
  @ApiResponses({
    @ApiResponse(
        responseCode = "200",
        description = "generated within the synchronous wait",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = CapsuleBodies.Generated.class))),
    @ApiResponse(
        responseCode = "202",
        description = "still generating: follow status_url or progress_url",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = CapsuleBodies.Accepted.class)))
  })
  public Mono<ResponseEntity<Object>> generate(
      @AuthenticationPrincipal Caller caller, @Valid @RequestBody GenerateRequest request) {
    if (request.tenantId() != null && !request.tenantId().equals(caller.tenantId())) {
      throw forbidden("tenant_id", "tenant_id is not your tenant");
    }
    if (request.userId() != null
        && !request.userId().equals(caller.userId().toString())
        && !request.userId().equals(caller.username())) {
      throw forbidden("user_id", "Capsules are generated for the caller; user_id must be you");
    }
    Metadata meta = request.metadata();
    String webhook =
        meta == null
            ? null
            : outbound.require(meta.webhookUrl(), "metadata.webhook_url", ApiFamily.CAPSULES);
    Map<String, Object> metadata = new LinkedHashMap<>();
    if (meta != null) {
      metadata.put("target_score", meta.targetScore());
      metadata.put("max_iterations", meta.maxIterations());
      metadata.put("save_to_disk", meta.saveToDisk());
    }
    CapsuleService.Order order =
        new CapsuleService.Order(
            request.id(),
            request.description().trim(),
            request.requirements(),
            null,
            request.constraints(),
            metadata,
            meta == null ? null : meta.targetScore(),
            meta == null ? null : meta.maxIterations(),
            meta == null ? null : meta.engine(),
            webhook);
    return service
        .start(caller, order, service.syncWait())
        .flatMap(
            started -> {
              if (started.outcome() instanceof CapsuleGenerations.Outcome.Done done) {
                // The full validation and preview are in the capsule row: the workflow's result
                // carries bounded summaries only.
                return store
                    .require(caller, started.capsuleId())
                    .map(row -> ResponseEntity.<Object>ok(created(started, done.result(), row)));
              }
              if (started.outcome() instanceof CapsuleGenerations.Outcome.Failed failed) {
                return Mono.error(
                    new ApiException(
                        HttpStatus.UNPROCESSABLE_ENTITY, "GENERATION_FAILED", failed.reason()));
              }
              return Mono.just(
                  ResponseEntity.accepted()
                      .location(URI.create("/capsule/" + started.capsuleId()))
                      .<Object>body(
                          new CapsuleBodies.Accepted(
                              started.capsuleId(),
                              started.requestId(),
                              "generating",
                              started.capsuleId(),
                              "/capsule/" + started.capsuleId(),
                              "/capsule/" + started.capsuleId() + "/generation")));
            });
  }

  /** capsules-api.md §1 response. */
  static CapsuleBodies.Generated created(
      CapsuleService.Started started, GenerationResult result, CapsuleRecord row) {
    return new CapsuleBodies.Generated(
        started.capsuleId(),
        started.requestId(),
        true,
        Math.max(0, result.iterations().size() - 1),
        CapsuleBodies.Validation.of(row.validation()),
        result.files().fileCount(),
        result.validation().score(),
        List.of(result.plan().language()),
        row.preview());
  }

  @GetMapping("/capsule/{capsuleId}")
  @PreAuthorize("hasAuthority('capsule:read')")
  public Mono<CapsuleBodies.Details> get(
      @AuthenticationPrincipal Caller caller, @PathVariable String capsuleId) {
    return store.requireDetails(caller, capsuleId).map(CapsuleController::details);
  }

  /** The generation's iteration history: live from the workflow while it runs. */
  @GetMapping("/capsule/{capsuleId}/generation")
  @PreAuthorize("hasAuthority('capsule:read')")
  public Mono<CapsuleBodies.History> generation(
      @AuthenticationPrincipal Caller caller, @PathVariable String capsuleId) {
    return store
        .require(caller, capsuleId)
        .flatMap(
            capsule -> {
              if (capsule.finished()) {
                return Mono.just(
                    new CapsuleBodies.History(
                        capsule.id(),
                        capsule.status(),
                        null,
                        CapsuleBodies.IterationView.of(capsule.iterations()),
                        Optional.ofNullable(capsule.error())));
              }
              return generations
                  .progress(capsule.workflowId())
                  .map(
                      progress ->
                          new CapsuleBodies.History(
                              capsule.id(),
                              progress.status().value(),
                              Optional.ofNullable(progress.plan()),
                              CapsuleBodies.IterationView.of(progress.iterations()),
                              null))
                  .defaultIfEmpty(
                      new CapsuleBodies.History(capsule.id(), capsule.status(), null, null, null));
            });
  }

  @PostMapping("/capsule/{capsuleId}/cancel")
  @PreAuthorize("hasAuthority('capsule:update')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @ApiResponse(responseCode = "202", description = "the generation is being cancelled")
  public Mono<ResponseEntity<CapsuleBodies.Cancelling>> cancel(
      @AuthenticationPrincipal Caller caller, @PathVariable String capsuleId) {
    return store
        .require(caller, capsuleId)
        .flatMap(
            capsule -> {
              if (capsule.finished()) {
                return Mono.error(
                    new ApiException(
                        HttpStatus.CONFLICT,
                        "CAPSULE_NOT_RUNNING",
                        "Capsule " + capsuleId + " is already " + capsule.status()));
              }
              return generations
                  .cancel(capsule.workflowId())
                  .thenReturn(
                      ResponseEntity.accepted()
                          .body(new CapsuleBodies.Cancelling(capsuleId, "cancelling")));
            });
  }

  @GetMapping("/capsules")
  @PreAuthorize("hasAuthority('capsule:read')")
  public Mono<CapsuleBodies.Page> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(name = "tenant_id", required = false) String tenantId,
      @RequestParam(name = "user_id", required = false) String userId,
      @RequestParam(defaultValue = "50") int limit,
      @RequestParam(defaultValue = "0") int offset) {
    if (limit < 1 || limit > 100) {
      throw invalid("limit", "limit must be between 1 and 100");
    }
    if (offset < 0) {
      throw invalid("offset", "offset must be 0 or more");
    }
    CapsuleBodies.Page empty = new CapsuleBodies.Page(List.of(), 0, limit, offset);
    if (tenantId != null && !tenantId.equals(caller.tenantId())) {
      return Mono.just(empty); // nothing of another tenant is visible
    }
    UUID user;
    try {
      user = userId == null ? null : UUID.fromString(userId);
    } catch (IllegalArgumentException e) {
      return Mono.just(empty);
    }
    return store
        .list(caller, user, "created_at DESC", limit, offset)
        .map(CapsuleController::summary)
        .collectList()
        .zipWith(store.count(caller, user))
        .map(t -> new CapsuleBodies.Page(t.getT1(), t.getT2(), limit, offset));
  }

  /** capsules-api.md §2, plus the status details a poller needs. */
  static CapsuleBodies.Details details(CapsuleRecord c) {
    return new CapsuleBodies.Details(
        c.id(),
        c.requestId(),
        c.tenantId(),
        c.ownerId().toString(),
        c.status(),
        c.fileCount(),
        c.totalSizeBytes(),
        c.confidenceScore(),
        c.createdAt().toInstant().toString(),
        c.updatedAt().toInstant().toString(),
        new CapsuleBodies.DetailsMetadata(
            c.languages(),
            c.frameworks(),
            c.validation() != null && c.validation().productionReady(),
            c.description()),
        c.validation() == null ? null : CapsuleBodies.Validation.of(c.validation()),
        c.preview(),
        c.refinementIterations(),
        c.error());
  }

  static CapsuleBodies.Summary summary(CapsuleRecord c) {
    return new CapsuleBodies.Summary(
        c.id(),
        c.requestId(),
        c.status(),
        c.fileCount(),
        c.confidenceScore(),
        c.createdAt().toInstant().toString(),
        new CapsuleBodies.SummaryMetadata(c.languages(), c.description()));
  }

  static ApiException notFound(String capsuleId) {
    return CapsuleErrors.notFound(capsuleId);
  }

  private static ApiException forbidden(String field, String message) {
    return new ApiException(new ApiError(HttpStatus.FORBIDDEN, "FORBIDDEN", message, field));
  }

  static ApiException invalid(String field, String message) {
    return CapsuleErrors.invalid(field, message);
  }
}
