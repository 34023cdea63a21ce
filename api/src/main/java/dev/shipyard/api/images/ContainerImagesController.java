package dev.shipyard.api.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipyard.api.capsules.versions.CapsuleVersions;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.ratelimit.RateClass;
import dev.shipyard.api.ratelimit.RateLimit;
import dev.shipyard.api.security.Caller;
import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.images.ImageBuildRequest;
import dev.shipyard.workflows.images.ImageBuildWorkflow;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.net.URI;
import java.util.Iterator;
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
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * deployment-contracts.md {@code /api/container-images}: an image built from a capsule version
 * ({@code capsule_id}, {@code version_id}: beyond the document) by the {@code image-<id>} workflow
 * (Jib, no Docker daemon) and pushed to the configured registry. POST answers 201 {@code building};
 * GET shows {@code built} with the registry's digest, size, config and layers, or {@code failed}
 * with the step and cause; PUT with a new tag puts the manifest under it in the registry; DELETE
 * deletes the manifest (a registry that refuses deletes is a 409 saying so, the image kept). Errors
 * in the family's shape ({@code error, message, details}); names and tags of the OCI distribution
 * grammar (422, nothing started).
 */
@RestController
class ContainerImagesController {

  private static final Set<String> CREATE_FIELDS =
      Set.of("name", "tag", "repository", "description", "capsule_id", "version_id");
  private static final Set<String> UPDATE_FIELDS = Set.of("tag", "description");
  private static final int MAX_DESCRIPTION = 1_000;

  private final ImageStore store;
  private final ImageRegistry registry;
  private final CapsuleVersions versions;
  private final WorkflowClient temporal;

  ContainerImagesController(
      ImageStore store, ImageRegistry registry, CapsuleVersions versions, WorkflowClient temporal) {
    this.store = store;
    this.registry = registry;
    this.versions = versions;
    this.temporal = temporal;
  }

  @PostMapping("/api/container-images")
  @PreAuthorize("hasAuthority('image:write')")
  @RateLimit(RateClass.HEAVY)
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
              schema = @Schema(implementation = ImageBodies.CreateRequest.class)))
  @ApiResponse(
      responseCode = "201",
      description = "accepted: status building",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = ImageBodies.Image.class)))
  public Mono<ResponseEntity<ImageBodies.Image>> create(
      @AuthenticationPrincipal Caller caller, @RequestBody JsonNode body) {
    fields(body, CREATE_FIELDS);
    String name = ImageNames.name(text(body, "name", true));
    String tagText = text(body, "tag", false);
    String tag = ImageNames.tag(tagText == null ? "latest" : tagText);
    String description = description(body);
    String capsuleId = text(body, "capsule_id", true);
    String versionId = text(body, "version_id", false);
    registry.requireConfigured();
    String repository =
        ImageNames.repository(text(body, "repository", false), name, registry.registry());
    // UUID.randomUUID() reads the OS entropy source: not on the event loop.
    return Mono.fromCallable(UUID::randomUUID)
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(
            id -> create(caller, id, name, repository, tag, description, capsuleId, versionId));
  }

  private Mono<ResponseEntity<ImageBodies.Image>> create(
      Caller caller,
      UUID id,
      String name,
      String repository,
      String tag,
      String description,
      String capsuleId,
      String versionId) {
    return versions
        .resolve(caller, capsuleId, versionId)
        .flatMap(
            resolved -> {
              ImageBuildRequest request =
                  new ImageBuildRequest(
                      id.toString(),
                      caller.tenantId(),
                      caller.userId().toString(),
                      capsuleId,
                      resolved.version().id(),
                      resolved.version().number(),
                      resolved.version().manifestKey(),
                      resolved.version().manifestSha256(),
                      repository,
                      tag);
              return store
                  .insert(
                      id,
                      caller,
                      request.workflowId(),
                      name,
                      repository,
                      tag,
                      description,
                      capsuleId,
                      resolved.version().id(),
                      registry.registry())
                  .then(
                      start(request, caller)
                          .onErrorResume(e -> store.remove(id).then(Mono.error(e))));
            })
        .then(Mono.defer(() -> store.find(caller, id)))
        .map(
            row ->
                ResponseEntity.created(URI.create("/api/container-images/" + id)).body(body(row)));
  }

  @GetMapping("/api/container-images")
  @PreAuthorize("hasAuthority('image:read')")
  public Mono<ImageBodies.ImageList> list(@AuthenticationPrincipal Caller caller) {
    return store
        .list(caller)
        .map(ContainerImagesController::body)
        .collectList()
        .map(l -> new ImageBodies.ImageList(l, l.size()));
  }

  @GetMapping("/api/container-images/{id}")
  @PreAuthorize("hasAuthority('image:read')")
  @DocumentedErrors({HttpStatus.NOT_FOUND})
  public Mono<ImageBodies.Image> get(
      @AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return require(caller, id).map(ContainerImagesController::body);
  }

  @PutMapping("/api/container-images/{id}")
  @PreAuthorize("hasAuthority('image:write')")
  @DocumentedErrors({
    HttpStatus.NOT_FOUND,
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.BAD_GATEWAY,
    HttpStatus.SERVICE_UNAVAILABLE
  })
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = ImageBodies.UpdateRequest.class)))
  public Mono<ImageBodies.Image> update(
      @AuthenticationPrincipal Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
    fields(body, UPDATE_FIELDS);
    String tagText = text(body, "tag", false);
    String tag = tagText == null ? null : ImageNames.tag(tagText);
    String description = description(body);
    return require(caller, id)
        .flatMap(
            row -> {
              String newTag = tag == null ? row.tag() : tag;
              String newDescription = body.has("description") ? description : row.description();
              Mono<Void> registryChange = Mono.empty();
              if (!newTag.equals(row.tag())) {
                if (!"built".equals(row.status())) {
                  return Mono.error(
                      new ApiException(
                          HttpStatus.CONFLICT,
                          "IMAGE_NOT_BUILT",
                          "image "
                              + id
                              + " is "
                              + row.status()
                              + ": only a built image is retagged"));
                }
                registryChange = registry.retag(row.repository(), row.digest(), newTag);
              }
              return registryChange
                  .then(store.update(row.id(), newTag, newDescription))
                  .then(Mono.defer(() -> store.find(caller, row.id())));
            })
        .map(ContainerImagesController::body);
  }

  @DeleteMapping("/api/container-images/{id}")
  @PreAuthorize("hasAuthority('image:write')")
  @DocumentedErrors({HttpStatus.NOT_FOUND, HttpStatus.CONFLICT, HttpStatus.SERVICE_UNAVAILABLE})
  public Mono<ImageBodies.Deleted> delete(
      @AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return require(caller, id)
        .flatMap(
            row -> {
              if ("building".equals(row.status())) {
                return Mono.error(
                    new ApiException(
                        HttpStatus.CONFLICT,
                        "IMAGE_BUILDING",
                        "image " + id + " is still building: delete it once built or failed"));
              }
              if (row.digest() == null) {
                return store
                    .markDeleted(row.id())
                    .thenReturn(
                        new ImageBodies.Deleted(
                            "Container image deleted successfully (it was never pushed)",
                            row.id().toString()));
              }
              // Two images of the same version in one repository are one manifest: it is deleted
              // from the registry with the last of them.
              return store
                  .sharing(row)
                  .flatMap(
                      others ->
                          (others > 0
                                  ? Mono.<Void>empty()
                                  : registry.delete(row.repository(), row.digest()))
                              .then(store.markDeleted(row.id()))
                              .thenReturn(
                                  new ImageBodies.Deleted(
                                      others > 0
                                          ? "Container image deleted successfully; its manifest"
                                              + " stays in the registry for "
                                              + others
                                              + " other image(s) of the same digest"
                                          : "Container image deleted successfully",
                                      row.id().toString())));
            });
  }

  private Mono<Void> start(ImageBuildRequest request, Caller caller) {
    return Mono.<Void>fromRunnable(
            () -> {
              ImageBuildWorkflow workflow =
                  temporal.newWorkflowStub(
                      ImageBuildWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(request.workflowId())
                          .setTaskQueue(TaskQueues.BUILDS)
                          .setWorkflowIdReusePolicy(
                              WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                          .setStaticSummary(
                              "Image "
                                  + request.repository()
                                  + ":"
                                  + request.tag()
                                  + " of "
                                  + request.capsuleId()
                                  + " by "
                                  + caller.username())
                          .setTypedSearchAttributes(
                              SearchAttributes.newBuilder()
                                  .set(ShipyardSearchAttributes.TENANT, request.tenantId())
                                  .set(ShipyardSearchAttributes.OWNER, request.ownerId())
                                  .set(ShipyardSearchAttributes.KIND, ImageBuildRequest.KIND)
                                  .set(ShipyardSearchAttributes.STATUS, "building")
                                  .build())
                          .build());
              WorkflowClient.start(workflow::build, request);
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private Mono<ImageStore.Row> require(Caller caller, String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Mono.error(notFound(id));
    }
    return store.find(caller, uuid).switchIfEmpty(Mono.error(() -> notFound(id)));
  }

  private static ApiException notFound(String id) {
    return new ApiException(
        HttpStatus.NOT_FOUND, "NOT_FOUND", "Container image " + ImageNames.clip(id) + " not found");
  }

  private static void fields(JsonNode body, Set<String> allowed) {
    if (body == null || !body.isObject()) {
      throw ImageNames.invalid("body", "the body must be a JSON object");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw ImageNames.invalid(field, "unknown field " + ImageNames.clip(field));
      }
    }
  }

  private static String text(JsonNode body, String field, boolean required) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw ImageNames.invalid(field, field + " is required");
      }
      return null;
    }
    if (!node.isTextual()) {
      throw ImageNames.invalid(field, field + " must be a string");
    }
    return node.asText();
  }

  private static String description(JsonNode body) {
    String d = text(body, "description", false);
    if (d != null && d.length() > MAX_DESCRIPTION) {
      throw ImageNames.invalid(
          "description", "description is longer than " + MAX_DESCRIPTION + " characters");
    }
    return d;
  }

  static ImageBodies.Image body(ImageStore.Row r) {
    String status = r.status();
    boolean built = "built".equals(status);
    return new ImageBodies.Image(
        r.id().toString(),
        r.name(),
        r.tag(),
        r.repository(),
        r.description(),
        built ? r.size() : null,
        r.createdAt().toInstant().toString(),
        r.updatedAt().toInstant().toString(),
        status,
        r.registry(),
        built ? r.registry() + "/" + r.repository() + "@" + r.digest() : null,
        built ? r.digest() : null,
        built ? r.mediaType() : null,
        built ? r.config() : null,
        built ? r.layers() : java.util.List.of(),
        r.stack(),
        r.baseImage(),
        r.sbom(),
        r.capsuleId(),
        r.versionId(),
        "failed".equals(status) ? r.failedStep() : null,
        "failed".equals(status) ? (r.failure() != null ? r.failure() : r.runError()) : null);
  }
}
