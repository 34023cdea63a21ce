package dev.shipyard.api.images;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Request and response bodies of {@code /api/container-images} (deployment-contracts.md). */
final class ImageBodies {

  private ImageBodies() {}

  @Schema(description = "An image to build from a capsule version (capsule_id is beyond the doc)")
  record CreateRequest(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "todo-backend") String name,
      @Schema(example = "latest", description = "default latest") String tag,
      @Schema(
              example = "todo-app",
              description =
                  "path in the configured registry (its host may be given, no other host)")
          String repository,
      String description,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String capsule_id,
      @Schema(description = "the capsule version; default the head of main") String version_id) {}

  record UpdateRequest(
      @Schema(description = "a new tag: the manifest is put under it in the registry") String tag,
      String description) {}

  record Blob(String digest, long size, String media_type) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Image(
      String id,
      String name,
      String tag,
      String repository,
      @Schema(nullable = true) String description,
      @Schema(nullable = true, description = "config + layers, bytes as pushed; null until built")
          Long size,
      String created_at,
      String last_updated,
      @Schema(allowableValues = {"building", "built", "failed"}) String status,
      String registry,
      @Schema(nullable = true, description = "registry/repository@digest once built")
          String reference,
      @Schema(nullable = true) String digest,
      @Schema(nullable = true) String media_type,
      @Schema(nullable = true) Blob config,
      List<Blob> layers,
      @Schema(nullable = true) String stack,
      @Schema(nullable = true, description = "the base image, or scratch") String base_image,
      @Schema(nullable = true, description = "the CycloneDX file in the image, null when none")
          String sbom,
      String capsule_id,
      String version_id,
      @Schema(nullable = true, description = "the failed step, when failed") String failed_step,
      @Schema(nullable = true, description = "the failure's cause, when failed") String error) {}

  record ImageList(List<Image> images, int total) {}

  record Deleted(String message, String id) {}
}
