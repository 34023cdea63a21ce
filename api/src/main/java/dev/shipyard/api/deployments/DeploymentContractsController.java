package dev.shipyard.api.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipyard.api.deployments.DeploymentStore.Row;
import dev.shipyard.api.deployments.DeploymentStore.ServiceRow;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.ratelimit.RateClass;
import dev.shipyard.api.ratelimit.RateLimit;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.api.web.RequestIds;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.ServiceSpec;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * deployment-contracts.md {@code /api/deployments} and {@code /api/services}: the same engine as
 * {@code /v1/deployments} ({@link Deployments}: one store, one workflow per deployment), in the
 * contracts' shapes and error format ({@code {error, message, details}}, validation 422).
 */
@RestController
class DeploymentContractsController {

  private static final HttpStatus INVALID = HttpStatus.UNPROCESSABLE_ENTITY;
  private static final Set<String> SERVICE_FIELDS =
      Set.of("name", "type", "port", "target_port", "protocol", "deployment_id");
  private static final Set<String> SERVICE_UPDATE_FIELDS =
      Set.of("type", "port", "target_port", "protocol");
  private static final Set<String> TYPES = Set.of("ClusterIP", "NodePort", "LoadBalancer");
  private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP");

  private final Deployments deployments;
  private final DeploymentStore store;

  DeploymentContractsController(Deployments deployments, DeploymentStore store) {
    this.deployments = deployments;
    this.store = store;
  }

  @PostMapping("/api/deployments")
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
              schema = @Schema(implementation = ContractBodies.CreateRequest.class)))
  @ApiResponse(
      responseCode = "201",
      description = "accepted: status pending",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = ContractBodies.Deployment.class)))
  public Mono<ResponseEntity<ContractBodies.Deployment>> create(
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
      @RequestBody JsonNode body,
      ServerWebExchange exchange) {
    DeploymentRequests.NewDeployment request = DeploymentRequests.contractCreate(body);
    String key = DeploymentsController.idempotencyKey(idempotencyKey);
    return deployments
        .create(
            caller,
            request,
            key,
            deployments.requestHash("contracts", body),
            RequestIds.of(exchange))
        .map(row -> ResponseEntity.status(HttpStatus.CREATED).body(body(row)));
  }

  @GetMapping("/api/deployments/{id}")
  @PreAuthorize("hasAuthority('deployment:read')")
  public Mono<ContractBodies.Deployment> get(
      @AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return require(caller, id).map(DeploymentContractsController::body);
  }

  @PutMapping("/api/deployments/{id}")
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
              schema = @Schema(implementation = ContractBodies.UpdateRequest.class)))
  public Mono<ContractBodies.Deployment> update(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestBody JsonNode body,
      ServerWebExchange exchange) {
    DeploymentRequests.SpecUpdate update = DeploymentRequests.contractUpdate(body);
    return require(caller, id)
        .flatMap(
            row ->
                deployments
                    .update(caller, row, update, RequestIds.of(exchange))
                    .then(Mono.defer(() -> require(caller, id))))
        .map(DeploymentContractsController::body);
  }

  @DeleteMapping("/api/deployments/{id}")
  @PreAuthorize("hasAuthority('deployment:delete')")
  @DocumentedErrors({
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  public Mono<ContractBodies.Deleted> delete(
      @AuthenticationPrincipal Caller caller, @PathVariable String id, ServerWebExchange exchange) {
    return require(caller, id)
        .flatMap(
            row ->
                deployments
                    .delete(caller, row, RequestIds.of(exchange))
                    .thenReturn(
                        new ContractBodies.Deleted(
                            "Deployment deleted successfully", row.id().toString())));
  }

  @PostMapping("/api/deployments/{id}/scale")
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
              schema = @Schema(implementation = ContractBodies.ScaleRequest.class)))
  public Mono<ContractBodies.Scaled> scale(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestBody JsonNode body,
      ServerWebExchange exchange) {
    int replicas = DeploymentRequests.scale(body, INVALID);
    return require(caller, id)
        .flatMap(
            row ->
                deployments
                    .scale(caller, row, replicas, RequestIds.of(exchange))
                    .map(
                        result ->
                            new ContractBodies.Scaled(
                                "Deployment scaling to " + result.replicas() + " replicas",
                                result.previousReplicas(),
                                result.replicas())));
  }

  // --- services ---

  @PostMapping("/api/services")
  @PreAuthorize("hasAuthority('deployment:update')")
  @DocumentedErrors({
    HttpStatus.NOT_FOUND,
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = ContractBodies.ServiceRequest.class)))
  @ApiResponse(
      responseCode = "201",
      description = "the Service is written",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = ContractBodies.Service.class)))
  public Mono<ResponseEntity<ContractBodies.Service>> createService(
      @AuthenticationPrincipal Caller caller,
      @RequestBody JsonNode body,
      ServerWebExchange exchange) {
    DeploymentRequests.object(body, SERVICE_FIELDS, INVALID);
    String name = DeploymentRequests.serviceName(body.get("name"), INVALID);
    int port = DeploymentRequests.port(body.get("port"), "port", INVALID);
    String type = choice(body, "type", TYPES, "ClusterIP");
    String protocol = choice(body, "protocol", PROTOCOLS, "TCP");
    String deploymentId =
        DeploymentRequests.text(
            DeploymentRequests.required(body, "deployment_id", INVALID), "deployment_id", INVALID);
    Integer target =
        DeploymentRequests.present(body, "target_port")
            ? DeploymentRequests.port(body.get("target_port"), "target_port", INVALID)
            : null;
    return require(caller, deploymentId)
        .flatMap(
            row -> {
              ServiceRow service =
                  new ServiceRow(
                      Secrets.uuid(),
                      row.id(),
                      name,
                      type,
                      port,
                      target == null ? row.port() : target,
                      protocol,
                      null,
                      null);
              return store
                  .insertService(caller, service)
                  .flatMap(
                      stored ->
                          deployments
                              .putService(
                                  caller, row.workflowId(), spec(stored), RequestIds.of(exchange))
                              .onErrorResume(
                                  Deployments::refused,
                                  e -> store.deleteService(stored.id()).then(Mono.error(e)))
                              .thenReturn(
                                  ResponseEntity.status(HttpStatus.CREATED)
                                      .body(service(stored, "active"))));
            });
  }

  @GetMapping("/api/services/{id}")
  @PreAuthorize("hasAuthority('deployment:read')")
  public Mono<ContractBodies.Service> getService(
      @AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return requireService(caller, id)
        .flatMap(
            s ->
                workflowOf(s)
                    .flatMap(workflowId -> deployments.serviceApplied(workflowId, s.id()))
                    .map(applied -> service(s, applied ? "active" : "pending")));
  }

  @PutMapping("/api/services/{id}")
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
              schema = @Schema(implementation = ContractBodies.ServiceUpdate.class)))
  public Mono<ContractBodies.Service> updateService(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestBody JsonNode body,
      ServerWebExchange exchange) {
    DeploymentRequests.object(body, SERVICE_UPDATE_FIELDS, INVALID);
    return requireService(caller, id)
        .flatMap(
            old -> {
              ServiceRow changed =
                  new ServiceRow(
                      old.id(),
                      old.deploymentId(),
                      old.name(),
                      choice(body, "type", TYPES, old.type()),
                      DeploymentRequests.present(body, "port")
                          ? DeploymentRequests.port(body.get("port"), "port", INVALID)
                          : old.port(),
                      DeploymentRequests.present(body, "target_port")
                          ? DeploymentRequests.port(body.get("target_port"), "target_port", INVALID)
                          : old.targetPort(),
                      choice(body, "protocol", PROTOCOLS, old.protocol()),
                      old.createdAt(),
                      old.updatedAt());
              return workflowOf(old)
                  .flatMap(
                      workflowId ->
                          store
                              .updateService(changed)
                              .flatMap(
                                  stored ->
                                      deployments
                                          .putService(
                                              caller,
                                              workflowId,
                                              spec(stored),
                                              RequestIds.of(exchange))
                                          .onErrorResume(
                                              Deployments::refused,
                                              e -> store.updateService(old).then(Mono.error(e)))
                                          .thenReturn(service(stored, "active"))));
            });
  }

  @DeleteMapping("/api/services/{id}")
  @PreAuthorize("hasAuthority('deployment:update')")
  @DocumentedErrors({
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  public Mono<ContractBodies.Deleted> deleteService(
      @AuthenticationPrincipal Caller caller, @PathVariable String id, ServerWebExchange exchange) {
    return requireService(caller, id)
        .flatMap(
            s ->
                workflowOf(s)
                    .flatMap(
                        workflowId ->
                            deployments.removeService(
                                caller, workflowId, s.id(), RequestIds.of(exchange)))
                    .then(store.deleteService(s.id()))
                    .thenReturn(
                        new ContractBodies.Deleted(
                            "Service deleted successfully", s.id().toString())));
  }

  private Mono<String> workflowOf(ServiceRow s) {
    return Mono.just(DeploymentTarget.workflowId(s.deploymentId().toString()));
  }

  private static ServiceSpec spec(ServiceRow s) {
    return new ServiceSpec(
        s.id().toString(), s.name(), s.type(), s.port(), s.targetPort(), s.protocol());
  }

  private static ContractBodies.Service service(ServiceRow s, String status) {
    return new ContractBodies.Service(
        s.id().toString(),
        s.name(),
        s.type(),
        s.port(),
        s.targetPort(),
        s.protocol(),
        s.deploymentId().toString(),
        DeploymentsController.time(s.createdAt()),
        status);
  }

  private static String choice(JsonNode body, String field, Set<String> allowed, String absent) {
    if (!DeploymentRequests.present(body, field)) {
      return absent;
    }
    String value = DeploymentRequests.text(body.get(field), field, INVALID);
    if (!allowed.contains(value)) {
      throw DeploymentRequests.invalid(
          INVALID, field, field + " must be one of " + String.join(", ", allowed));
    }
    return value;
  }

  private static ContractBodies.Deployment body(Row r) {
    return new ContractBodies.Deployment(
        r.id().toString(),
        r.appName(),
        r.replicas(),
        r.availableReplicas(),
        r.image(),
        r.port(),
        r.helmChartId(),
        DeploymentsController.time(r.createdAt()),
        r.status());
  }

  private Mono<Row> require(Caller caller, String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Mono.error(DeploymentsController.notFound("Deployment", id));
    }
    return store
        .find(caller, uuid)
        .switchIfEmpty(Mono.error(() -> DeploymentsController.notFound("Deployment", id)));
  }

  private Mono<ServiceRow> requireService(Caller caller, String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Mono.error(DeploymentsController.notFound("Service", id));
    }
    return store
        .service(caller, uuid)
        .switchIfEmpty(Mono.error(() -> DeploymentsController.notFound("Service", id)));
  }
}
