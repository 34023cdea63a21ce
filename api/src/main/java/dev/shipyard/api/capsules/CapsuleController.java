package dev.shipyard.api.capsules;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.ApiFamily;
import dev.shipyard.api.ratelimit.RateClass;
import dev.shipyard.api.ratelimit.RateLimit;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.web.OutboundUrls;
import dev.shipyard.workflows.capsules.GenerationResult;
import dev.shipyard.workflows.capsules.Iteration;
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
import java.util.UUID;
import org.springframework.http.HttpStatus;
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
  public Mono<ResponseEntity<Map<String, Object>>> generate(
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
                    .map(row -> ResponseEntity.ok(created(started, done.result(), row)));
              }
              if (started.outcome() instanceof CapsuleGenerations.Outcome.Failed failed) {
                return Mono.error(
                    new ApiException(
                        HttpStatus.UNPROCESSABLE_ENTITY, "GENERATION_FAILED", failed.reason()));
              }
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("capsule_id", started.capsuleId());
              body.put("request_id", started.requestId());
              body.put("status", "generating");
              body.put("job_id", started.capsuleId());
              body.put("status_url", "/capsule/" + started.capsuleId());
              body.put("progress_url", "/capsule/" + started.capsuleId() + "/generation");
              return Mono.just(
                  ResponseEntity.accepted()
                      .location(URI.create("/capsule/" + started.capsuleId()))
                      .body(body));
            });
  }

  /** capsules-api.md §1 response. */
  static Map<String, Object> created(
      CapsuleService.Started started, GenerationResult result, CapsuleRecord row) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("capsule_id", started.capsuleId());
    body.put("request_id", started.requestId());
    body.put("robust_generation", true);
    body.put("refinement_iterations", Math.max(0, result.iterations().size() - 1));
    body.put("validation", publicValidation(row.validation()));
    body.put("files_generated", result.files().fileCount());
    body.put("confidence_score", result.validation().score());
    body.put("languages", List.of(result.plan().language()));
    body.put("preview", row.preview());
    return body;
  }

  @GetMapping("/capsule/{capsuleId}")
  @PreAuthorize("hasAuthority('capsule:read')")
  public Mono<Map<String, Object>> get(
      @AuthenticationPrincipal Caller caller, @PathVariable String capsuleId) {
    return store.require(caller, capsuleId).map(CapsuleController::details);
  }

  /** The generation's iteration history: live from the workflow while it runs. */
  @GetMapping("/capsule/{capsuleId}/generation")
  @PreAuthorize("hasAuthority('capsule:read')")
  public Mono<Map<String, Object>> generation(
      @AuthenticationPrincipal Caller caller, @PathVariable String capsuleId) {
    return store
        .require(caller, capsuleId)
        .flatMap(
            capsule -> {
              if (capsule.finished()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("capsule_id", capsule.id());
                body.put("status", capsule.status());
                body.put(
                    "iterations",
                    capsule.iterations() == null
                        ? List.of()
                        : publicIterations(capsule.iterations()));
                body.put("error", capsule.error());
                return Mono.just(body);
              }
              return generations
                  .progress(capsule.workflowId())
                  .map(
                      progress -> {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("capsule_id", capsule.id());
                        body.put("status", progress.status().value());
                        body.put("plan", progress.plan());
                        body.put("iterations", publicIterations(progress.iterations()));
                        return body;
                      })
                  .defaultIfEmpty(Map.of("capsule_id", capsule.id(), "status", capsule.status()));
            });
  }

  /** The fields of an iteration the API shows (the summary's count and report key stay inside). */
  private static final List<String> ITERATION_FIELDS =
      List.of("number", "phase", "fileSetDigest", "score", "productionReady", "issues", "millis");

  /** Iterations (stored JSON maps, or live {@link Iteration}s) as the API has always shown them. */
  static List<Map<String, Object>> publicIterations(List<?> iterations) {
    return iterations.stream()
        .map(
            i -> {
              Map<String, Object> out = new LinkedHashMap<>();
              if (i instanceof Iteration it) {
                out.put("number", it.number());
                out.put("phase", it.phase());
                out.put("fileSetDigest", it.fileSetDigest());
                out.put("score", it.score());
                out.put("productionReady", it.productionReady());
                out.put("issues", it.issues());
                out.put("millis", it.millis());
              } else if (i instanceof Map<?, ?> stored) {
                ITERATION_FIELDS.forEach(f -> out.put(f, stored.get(f)));
              }
              return out;
            })
        .toList();
  }

  /** Cancels a running generation; the capsule ends as {@code cancelled}. */
  @PostMapping("/capsule/{capsuleId}/cancel")
  @PreAuthorize("hasAuthority('capsule:update')")
  public Mono<ResponseEntity<Map<String, Object>>> cancel(
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
                          .body(
                              Map.<String, Object>of(
                                  "capsule_id", capsuleId, "status", "cancelling")));
            });
  }

  @GetMapping("/capsules")
  @PreAuthorize("hasAuthority('capsule:read')")
  public Mono<Map<String, Object>> list(
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
    Map<String, Object> empty = page(List.of(), 0, limit, offset);
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
        .map(t -> page(t.getT1(), t.getT2(), limit, offset));
  }

  private static Map<String, Object> page(
      List<Map<String, Object>> capsules, long total, int limit, int offset) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("capsules", capsules);
    body.put("total", total);
    body.put("limit", limit);
    body.put("offset", offset);
    return body;
  }

  /** capsules-api.md §2, plus the status details a poller needs. */
  static Map<String, Object> details(CapsuleRecord c) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("languages", c.languages());
    metadata.put("frameworks", c.frameworks());
    metadata.put("deployment_ready", deploymentReady(c));
    metadata.put("description", c.description());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", c.id());
    body.put("request_id", c.requestId());
    body.put("tenant_id", c.tenantId());
    body.put("user_id", c.ownerId().toString());
    body.put("status", c.status());
    body.put("file_count", c.fileCount());
    body.put("total_size_bytes", c.totalSizeBytes());
    body.put("confidence_score", c.confidenceScore());
    body.put("created_at", c.createdAt().toInstant().toString());
    body.put("updated_at", c.updatedAt().toInstant().toString());
    body.put("metadata", metadata);
    body.put("validation", c.validation() == null ? null : publicValidation(c.validation()));
    body.put("preview", c.preview());
    body.put("refinement_iterations", c.refinementIterations());
    body.put("error", c.error());
    return body;
  }

  static Map<String, Object> summary(CapsuleRecord c) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("languages", c.languages());
    metadata.put("description", c.description());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", c.id());
    body.put("request_id", c.requestId());
    body.put("status", c.status());
    body.put("file_count", c.fileCount());
    body.put("confidence_score", c.confidenceScore());
    body.put("created_at", c.createdAt().toInstant().toString());
    body.put("metadata", metadata);
    return body;
  }

  private static boolean deploymentReady(CapsuleRecord c) {
    return c.validation() != null && Boolean.TRUE.equals(c.validation().get("productionReady"));
  }

  /** The stored report minus the per-check detail, in the documented snake_case. */
  static Map<String, Object> publicValidation(Map<String, Object> stored) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("passed", stored.get("passed"));
    v.put("score", stored.get("score"));
    v.put("production_ready", stored.get("productionReady"));
    v.put("issues", stored.get("issues"));
    v.put("recommendations", stored.get("recommendations"));
    return v;
  }

  static ApiException notFound(String capsuleId) {
    return new ApiException(
        HttpStatus.NOT_FOUND, "CAPSULE_NOT_FOUND", "Capsule " + capsuleId + " not found");
  }

  private static ApiException forbidden(String field, String message) {
    return new ApiException(new ApiError(HttpStatus.FORBIDDEN, "FORBIDDEN", message, field));
  }

  static ApiException invalid(String field, String message) {
    return new ApiException(
        new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, "VALIDATION_ERROR", message, field));
  }
}
