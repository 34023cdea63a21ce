package dev.shipyard.api.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.capsules.CapsuleStore;
import dev.shipyard.api.capsules.versions.CapsuleVersions;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.ratelimit.RateClass;
import dev.shipyard.api.ratelimit.RateLimit;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.workflows.delivery.DeliveryProgress;
import dev.shipyard.workflows.delivery.DeliveryProviders;
import dev.shipyard.workflows.delivery.DeliveryRequest;
import dev.shipyard.workflows.delivery.DeliveryTarget;
import dev.shipyard.workflows.delivery.DestinationResult;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.responses.ApiResponses;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * capsules-api.md §4: {@code POST /capsule/{capsule_id}/deliver} checks every destination against
 * the provider registry, seals inline credentials ({@link DeliveryCredentialSealer}), stores the
 * delivery and starts one delivery workflow, then waits up to {@code DELIVERY_WAIT} for it (200
 * with the documented body, else 202 with where to poll); {@code GET
 * /capsule/{capsule_id}/deliveries/{delivery_id}} answers the same body. Scoped like capsules: a
 * capsule the caller may not see is 404, and so are its deliveries.
 */
@RestController
class DeliveryController {

  private static final Pattern VERSION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final DeliveryStore store;
  private final DeliveryWorkflows workflows;
  private final DeliveryCredentialSealer sealer;
  private final CapsuleVersions versions;
  private final CapsuleStore capsules;
  private final DeliveryProperties properties;
  private final ObjectMapper strict;

  DeliveryController(
      DeliveryStore store,
      DeliveryWorkflows workflows,
      DeliveryCredentialSealer sealer,
      CapsuleVersions versions,
      CapsuleStore capsules,
      DeliveryProperties properties,
      ObjectMapper json) {
    this.store = store;
    this.workflows = workflows;
    this.sealer = sealer;
    this.versions = versions;
    this.capsules = capsules;
    this.properties = properties;
    this.strict = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  }

  @PostMapping("/capsule/{capsuleId}/deliver")
  @PreAuthorize("hasAuthority('delivery:create')")
  @RateLimit(RateClass.HEAVY)
  @DocumentedErrors({HttpStatus.SERVICE_UNAVAILABLE})
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = DeliveryBodies.DeliverRequest.class)))
  @ApiResponses({
    @ApiResponse(
        responseCode = "200",
        description = "the delivery ended within DELIVERY_WAIT: one result per destination",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = DeliveryBodies.Delivery.class))),
    @ApiResponse(
        responseCode = "202",
        description = "still running: poll status_url (Location)",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = DeliveryBodies.Delivery.class)))
  })
  public Mono<ResponseEntity<DeliveryBodies.Delivery>> deliver(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @RequestBody JsonNode body) {
    DeliveryBodies.DeliverRequest parsed = parse(body);
    String deliveryId = Secrets.uuid().toString();
    return Flux.range(0, parsed.deliveryConfigs().size())
        .concatMap(i -> destination(caller, i, parsed.deliveryConfigs().get(i)))
        .collectList()
        .flatMap(
            destinations ->
                versions
                    .resolve(caller, capsuleId, parsed.versionId())
                    .flatMap(
                        resolved ->
                            start(
                                caller,
                                capsuleId,
                                resolved.version().id(),
                                deliveryId,
                                destinations)))
        .then(Mono.defer(() -> read(caller, capsuleId, UUID.fromString(deliveryId))));
  }

  /** A destination checked, its credentials to seal (inline) or its saved target's reference. */
  private record Destination(DeliveryConfigs.Checked checked, UUID savedCredentialId) {}

  private Mono<Destination> destination(
      Caller caller, int index, DeliveryBodies.DeliveryConfig config) {
    String field = "delivery_configs[" + index + "]";
    if (config == null) {
      return Mono.error(CapsuleErrors.invalid(field, "a delivery config must be an object"));
    }
    if (config.targetId() == null) {
      return Mono.fromCallable(
          () ->
              new Destination(
                  DeliveryConfigs.check(
                      field,
                      config.mode(),
                      config.destination(),
                      config.credentials(),
                      config.options(),
                      true),
                  null));
    }
    if (config.credentials() != null || config.mode() != null || config.destination() != null) {
      return Mono.error(
          CapsuleErrors.invalid(
              field,
              "target_id names a saved target: give options only, not mode, destination or"
                  + " credentials"));
    }
    UUID targetId;
    try {
      targetId = UUID.fromString(config.targetId());
    } catch (IllegalArgumentException e) {
      return Mono.error(
          CapsuleErrors.invalid(field + ".target_id", "target_id is not a delivery target ID"));
    }
    return store
        .target(caller, targetId)
        .switchIfEmpty(
            Mono.error(
                () ->
                    CapsuleErrors.invalid(
                        field + ".target_id",
                        "Delivery target " + targetId + " not found among your saved targets")))
        .map(
            target -> {
              Map<String, JsonNode> options = new java.util.LinkedHashMap<>();
              target.options().forEach((k, v) -> options.put(k, TextNode.valueOf(v)));
              if (config.options() != null) {
                options.putAll(config.options());
              }
              return new Destination(
                  DeliveryConfigs.check(
                      field, target.mode(), target.destination(), null, options, false),
                  target.credentialId());
            });
  }

  private Mono<Void> start(
      Caller caller,
      String capsuleId,
      String versionId,
      String deliveryId,
      List<Destination> destinations) {
    // sealing draws from SecureRandom (it may read /dev/urandom): off the event loop
    return Mono.fromCallable(() -> request(caller, capsuleId, versionId, deliveryId, destinations))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(prepared -> started(caller, prepared));
  }

  /** The workflow's request and the credentials sealed for it. */
  private record Sealed(DeliveryRequest request, List<DeliveryStore.SealedCredentials> sealed) {}

  private Sealed request(
      Caller caller,
      String capsuleId,
      String versionId,
      String deliveryId,
      List<Destination> destinations) {
    List<DeliveryTarget> targets = new ArrayList<>();
    List<DeliveryStore.SealedCredentials> sealed = new ArrayList<>();
    for (int i = 0; i < destinations.size(); i++) {
      Destination d = destinations.get(i);
      String ref;
      if (d.savedCredentialId() != null) {
        ref = d.savedCredentialId().toString();
      } else if (d.checked().credentials().isEmpty()) {
        ref = null;
      } else {
        DeliveryStore.SealedCredentials s = sealer.seal(d.checked().credentials());
        sealed.add(s);
        ref = s.id().toString();
      }
      targets.add(
          new DeliveryTarget(
              i, d.checked().mode(), d.checked().destination(), d.checked().options(), ref));
    }
    return new Sealed(
        new DeliveryRequest(
            deliveryId,
            capsuleId,
            versionId,
            caller.tenantId(),
            caller.userId().toString(),
            targets,
            properties.retryWindow()),
        sealed);
  }

  private Mono<Void> started(Caller caller, Sealed prepared) {
    DeliveryRequest request = prepared.request();
    List<DeliveryStore.SealedCredentials> sealed = prepared.sealed();
    return store
        .insert(request, caller, sealed)
        .then(
            workflows
                .start(request, caller.username())
                .onErrorResume(
                    e ->
                        store
                            .markFailed(request.workflowId(), "could not start: " + e.getMessage())
                            .then(
                                Mono.error(
                                    new ApiException(
                                        HttpStatus.SERVICE_UNAVAILABLE,
                                        "SERVICE_UNAVAILABLE",
                                        "The delivery could not be started; try again")))))
        .then(workflows.await(request.workflowId(), properties.syncWait()));
  }

  @GetMapping("/capsule/{capsuleId}/deliveries/{deliveryId}")
  @PreAuthorize("hasAuthority('delivery:read')")
  @ApiResponses({
    @ApiResponse(
        responseCode = "200",
        description = "the delivery ended: one result per destination",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = DeliveryBodies.Delivery.class))),
    @ApiResponse(
        responseCode = "202",
        description = "still running: the destinations that ended so far",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = DeliveryBodies.Delivery.class)))
  })
  public Mono<ResponseEntity<DeliveryBodies.Delivery>> get(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @PathVariable String deliveryId) {
    UUID id;
    try {
      id = UUID.fromString(deliveryId);
    } catch (IllegalArgumentException e) {
      return Mono.error(deliveryNotFound(deliveryId));
    }
    return read(caller, capsuleId, id);
  }

  private Mono<ResponseEntity<DeliveryBodies.Delivery>> read(
      Caller caller, String capsuleId, UUID id) {
    return capsules
        .require(caller, capsuleId)
        .then(store.find(caller, capsuleId, id))
        .switchIfEmpty(Mono.error(() -> deliveryNotFound(id.toString())))
        .flatMap(
            delivery -> {
              String status = delivery.runStatus() == null ? "running" : delivery.runStatus();
              if ("running".equals(status)) {
                return workflows
                    .progress(DeliveryRequest.workflowId(id.toString()))
                    .map(p -> running(delivery, p))
                    .defaultIfEmpty(running(delivery, new DeliveryProgress(0, List.of())));
              }
              return store
                  .results(id)
                  .collectList()
                  .map(results -> ResponseEntity.ok(ended(delivery, status, results)));
            });
  }

  private static ResponseEntity<DeliveryBodies.Delivery> running(
      DeliveryStore.DeliveryRow delivery, DeliveryProgress progress) {
    List<DeliveryBodies.Destination> ended =
        progress.ended().stream().map(DeliveryController::destination).toList();
    int ok = (int) ended.stream().filter(DeliveryBodies.Destination::success).count();
    String statusUrl = statusUrl(delivery);
    return ResponseEntity.accepted()
        .location(URI.create(statusUrl))
        .body(
            new DeliveryBodies.Delivery(
                delivery.id().toString(),
                delivery.capsuleId(),
                delivery.versionId(),
                "running",
                delivery.createdAt().withOffsetSameInstant(ZoneOffset.UTC),
                new DeliveryBodies.Summary(progress.total(), ok, ended.size() - ok),
                ended,
                List.of(),
                statusUrl));
  }

  private static DeliveryBodies.Delivery ended(
      DeliveryStore.DeliveryRow delivery, String status, List<DeliveryStore.ResultRow> results) {
    List<DeliveryBodies.Destination> destinations =
        results.stream()
            .map(
                r ->
                    new DeliveryBodies.Destination(
                        r.mode(),
                        r.destination(),
                        r.success(),
                        r.url(),
                        r.signedUrl(),
                        r.checksum(),
                        r.metadata(),
                        r.failure(),
                        r.error()))
            .toList();
    int ok = (int) destinations.stream().filter(DeliveryBodies.Destination::success).count();
    List<String> recommendations = new ArrayList<>(DeliveryRecommendations.of(destinations));
    if (!"completed".equals(status) && delivery.runError() != null) {
      recommendations.add(0, "The delivery itself ended " + status + ": " + delivery.runError());
    }
    OffsetDateTime at = delivery.closedAt() == null ? delivery.createdAt() : delivery.closedAt();
    return new DeliveryBodies.Delivery(
        delivery.id().toString(),
        delivery.capsuleId(),
        delivery.versionId(),
        status,
        at.withOffsetSameInstant(ZoneOffset.UTC),
        new DeliveryBodies.Summary(destinations.size(), ok, destinations.size() - ok),
        destinations,
        recommendations,
        statusUrl(delivery));
  }

  private static DeliveryBodies.Destination destination(DestinationResult r) {
    return new DeliveryBodies.Destination(
        r.mode(),
        r.destination(),
        r.success(),
        r.url(),
        r.signedUrl(),
        r.checksum(),
        r.metadata(),
        r.failure() == null ? null : r.failure().name(),
        r.error());
  }

  private static String statusUrl(DeliveryStore.DeliveryRow delivery) {
    return "/capsule/" + delivery.capsuleId() + "/deliveries/" + delivery.id();
  }

  /** The body, strictly: 422 for a wrong shape, an unknown field or a bad list. */
  private DeliveryBodies.DeliverRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw CapsuleErrors.invalid("body", "The body must be a JSON object");
    }
    DeliveryBodies.DeliverRequest request;
    try {
      request = strict.treeToValue(body, DeliveryBodies.DeliverRequest.class);
    } catch (UnrecognizedPropertyException e) {
      throw CapsuleErrors.invalid(
          e.getPropertyName(), "Unknown field '" + e.getPropertyName() + "'");
    } catch (JsonProcessingException e) {
      throw CapsuleErrors.invalid("body", "The body does not match the deliver request");
    }
    List<DeliveryBodies.DeliveryConfig> configs = request.deliveryConfigs();
    if (configs == null || configs.isEmpty() || configs.size() > DeliveryRequest.MAX_TARGETS) {
      throw CapsuleErrors.invalid(
          "delivery_configs",
          "delivery_configs must list 1 to " + DeliveryRequest.MAX_TARGETS + " destinations");
    }
    if (request.versionId() != null && !VERSION_ID.matcher(request.versionId()).matches()) {
      throw CapsuleErrors.invalid("version_id", "version_id is not a version ID");
    }
    return request;
  }

  /** capsules-api.md §13, generated from the registry the workflow and the worker use. */
  @GetMapping("/delivery/providers")
  @PreAuthorize("hasAuthority('delivery:read')")
  public Mono<DeliveryBodies.Providers> providers() {
    return Mono.just(
        new DeliveryBodies.Providers(
            DeliveryProviders.ALL.stream()
                .map(
                    p ->
                        new DeliveryBodies.Provider(
                            p.name(),
                            p.description(),
                            p.requiredCredentials(),
                            p.optionalCredentials(),
                            p.options(),
                            p.retryWindow().toSeconds()))
                .toList()));
  }

  static ApiException deliveryNotFound(String id) {
    return new ApiException(
        HttpStatus.NOT_FOUND, "DELIVERY_NOT_FOUND", "Delivery " + id + " not found");
  }
}
