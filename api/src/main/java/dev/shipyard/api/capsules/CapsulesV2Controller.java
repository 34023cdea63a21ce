package dev.shipyard.api.capsules;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.shipyard.api.error.ApiFamily;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.openapi.OpenApiSchemas;
import dev.shipyard.api.ratelimit.RateClass;
import dev.shipyard.api.ratelimit.RateLimit;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.v2.ApiResponse;
import dev.shipyard.api.web.OutboundUrls;
import dev.shipyard.api.web.RequestIds;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponses;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
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
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * api-v2-guide.md: {@code /api/v2/capsules} in the v2 envelope, with page-based pagination and
 * sorting, and async processing with a signed webhook callback.
 */
@RestController
class CapsulesV2Controller {

  /** Sortable fields and their columns: the only strings that reach ORDER BY. */
  private static final Map<String, String> SORTS =
      Map.of(
          "created_at", "created_at",
          "updated_at", "updated_at",
          "confidence_score", "confidence_score",
          "project_name", "project_name");

  private final CapsuleService service;
  private final CapsuleStore store;
  private final OutboundUrls outbound;

  CapsulesV2Controller(CapsuleService service, CapsuleStore store, OutboundUrls outbound) {
    this.service = service;
    this.store = store;
    this.outbound = outbound;
  }

  record CreateCapsule(
      @JsonProperty("project_name") @NotBlank @Size(min = 1, max = 100) String projectName,
      @NotBlank @Size(max = 5000) String description,
      @JsonProperty("tech_stack")
          @NotNull
          @Size(max = 10, message = "Maximum 10 technologies allowed")
          List<@NotBlank @Size(max = 50) String> techStack,
      @Size(max = 10000) String requirements,
      @JsonProperty("async_processing") Boolean asyncProcessing,
      @JsonProperty("webhook_url") @Size(max = 2000) String webhookUrl) {}

  @PostMapping("/api/v2/capsules")
  @PreAuthorize("hasAuthority('capsule:create')")
  @RateLimit(RateClass.HEAVY)
  @DocumentedErrors({HttpStatus.SERVICE_UNAVAILABLE})
  @ApiResponses({
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
        responseCode = "201",
        description = "generated within the synchronous wait",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(ref = "#/components/schemas/ApiResponseCapsuleDetails"))),
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
        responseCode = "202",
        description = "accepted: async_processing, or still generating after the synchronous wait",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(ref = "#/components/schemas/ApiResponseV2CapsuleJob")))
  })
  public Mono<ResponseEntity<Object>> create(
      @AuthenticationPrincipal Caller caller,
      @Valid @RequestBody CreateCapsule request,
      ServerWebExchange exchange) {
    String webhook = outbound.require(request.webhookUrl(), "webhook_url", ApiFamily.V2);
    boolean async = Boolean.TRUE.equals(request.asyncProcessing());
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("tech_stack", request.techStack());
    metadata.put("async_processing", async);
    CapsuleService.Order order =
        new CapsuleService.Order(
            null,
            request.description().trim(),
            request.requirements(),
            request.projectName().trim(),
            constraints(request.techStack()),
            metadata,
            null,
            null,
            null,
            webhook);
    String requestId = RequestIds.of(exchange);
    return service
        .start(caller, order, async ? Duration.ZERO : service.syncWait())
        .flatMap(
            started -> {
              List<ApiResponse.Link> links = links(started.capsuleId());
              if (started.outcome() == null) {
                CapsuleBodies.Job job =
                    new CapsuleBodies.Job(
                        started.capsuleId(), async ? "queued" : "processing", started.capsuleId());
                return Mono.just(
                    ResponseEntity.accepted()
                        .location(URI.create("/api/v2/capsules/" + started.capsuleId()))
                        .<Object>body(
                            ApiResponse.ok(requestId, job, links, ApiResponse.Meta.NONE)));
              }
              return store
                  .find(caller, started.capsuleId())
                  .map(
                      capsule ->
                          ResponseEntity.status(HttpStatus.CREATED)
                              .location(URI.create("/api/v2/capsules/" + capsule.id()))
                              .<Object>body(
                                  ApiResponse.ok(
                                      requestId,
                                      CapsuleController.details(capsule),
                                      links,
                                      ApiResponse.Meta.NONE)));
            });
  }

  @GetMapping("/api/v2/capsules/{capsuleId}")
  @PreAuthorize("hasAuthority('capsule:read')")
  public Mono<ApiResponse<CapsuleBodies.Details>> get(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      ServerWebExchange exchange) {
    return store
        .require(caller, capsuleId)
        .map(
            capsule ->
                ApiResponse.ok(
                    RequestIds.of(exchange),
                    CapsuleController.details(capsule),
                    links(capsule.id()),
                    ApiResponse.Meta.NONE));
  }

  @GetMapping("/api/v2/capsules")
  @PreAuthorize("hasAuthority('capsule:read')")
  public Mono<ApiResponse<List<CapsuleBodies.Details>>> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(defaultValue = "1") int page,
      @RequestParam(name = "per_page", defaultValue = "20") int perPage,
      @RequestParam(name = "sort_by", defaultValue = "created_at") String sortBy,
      @RequestParam(name = "sort_order", defaultValue = "desc") String sortOrder,
      ServerWebExchange exchange) {
    if (page < 1) {
      throw CapsuleController.invalid("page", "page must be 1 or more");
    }
    if (perPage < 1 || perPage > 100) {
      throw CapsuleController.invalid("per_page", "per_page must be between 1 and 100");
    }
    String column = SORTS.get(sortBy);
    if (column == null) {
      throw CapsuleController.invalid("sort_by", "sort_by must be one of " + SORTS.keySet());
    }
    String order = sortOrder.toLowerCase(Locale.ROOT);
    if (!order.equals("asc") && !order.equals("desc")) {
      throw CapsuleController.invalid("sort_order", "sort_order must be asc or desc");
    }
    long offset = (long) (page - 1) * perPage;
    return store
        .list(caller, null, column + " " + order + " NULLS LAST", perPage, offset)
        .map(CapsuleController::details)
        .collectList()
        .zipWith(store.count(caller, null))
        .map(
            t -> {
              long total = t.getT2();
              long pages = (total + perPage - 1) / perPage;
              ApiResponse.Pagination pagination =
                  new ApiResponse.Pagination(
                      total, page, perPage, pages, page < pages, page > 1, sortBy, order);
              List<ApiResponse.Link> links =
                  List.of(
                      new ApiResponse.Link(
                          "/api/v2/capsules?page=" + page + "&per_page=" + perPage, "self", "GET"));
              return ApiResponse.ok(
                  RequestIds.of(exchange), t.getT1(), links, new ApiResponse.Meta(pagination));
            });
  }

  /** Puts the 202 body, the envelope around a {@link CapsuleBodies.Job}, in the document. */
  @Bean
  static OpenApiCustomizer v2CapsuleJobSchema() {
    return OpenApiSchemas.adding(
        TypeFactory.defaultInstance()
            .constructParametricType(ApiResponse.class, CapsuleBodies.Job.class));
  }

  private static List<ApiResponse.Link> links(String capsuleId) {
    return List.of(
        new ApiResponse.Link("/api/v2/capsules/" + capsuleId, "self", "GET"),
        new ApiResponse.Link("/capsule/" + capsuleId + "/generation", "progress", "GET"),
        new ApiResponse.Link("/capsule/" + capsuleId + "/cancel", "cancel", "POST"));
  }

  /** Engine constraints from a tech stack such as {@code ["Python", "FastAPI", "PostgreSQL"]}. */
  static Map<String, String> constraints(List<String> techStack) {
    Map<String, String> constraints = new LinkedHashMap<>();
    for (String entry : techStack) {
      String t = entry.toLowerCase(Locale.ROOT).replace(" ", "").replace(".", "");
      switch (t) {
        case "python" -> constraints.putIfAbsent("language", "python");
        case "fastapi" -> {
          constraints.putIfAbsent("language", "python");
          constraints.put("framework", "fastapi");
        }
        case "java" -> constraints.putIfAbsent("language", "java");
        case "spring", "springboot" -> {
          constraints.putIfAbsent("language", "java");
          constraints.put("framework", "spring-boot");
        }
        case "javascript", "node", "nodejs" -> constraints.putIfAbsent("language", "javascript");
        case "express", "expressjs" -> {
          constraints.putIfAbsent("language", "javascript");
          constraints.put("framework", "express");
        }
        case "postgres", "postgresql" -> constraints.put("database", "postgresql");
        case "mysql" -> constraints.put("database", "mysql");
        case "sqlite" -> constraints.put("database", "sqlite");
        default -> {
          // other technologies stay in the description's hands
        }
      }
    }
    return constraints;
  }
}
