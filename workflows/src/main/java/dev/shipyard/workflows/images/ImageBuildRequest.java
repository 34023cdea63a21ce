package dev.shipyard.workflows.images;

/**
 * The input of an image build ({@code POST /api/container-images}). Holds no secret: the registry's
 * credentials are the worker's configuration, opened by the activity.
 *
 * @param imageId the image's ID (the workflow ID is {@code image-<imageId>})
 * @param tenantId the owner's tenant
 * @param ownerId the owner's user ID
 * @param capsuleId the capsule whose version is built
 * @param versionId the capsule version ({@code ver-...})
 * @param versionNumber the version's number (the {@code org.opencontainers.image.version} label)
 * @param manifestKey the object key of the version's file manifest
 * @param manifestSha256 the manifest's digest (the {@code org.opencontainers.image.revision} label:
 *     it names exactly these files)
 * @param repository the repository in the configured registry, e.g. {@code acme/todo-backend}
 * @param tag the tag to push
 */
public record ImageBuildRequest(
    String imageId,
    String tenantId,
    String ownerId,
    String capsuleId,
    String versionId,
    int versionNumber,
    String manifestKey,
    String manifestSha256,
    String repository,
    String tag) {

  /** The kind of image runs in {@code workflow_runs}. */
  public static final String KIND = "image";

  public String workflowId() {
    return workflowId(imageId);
  }

  public static String workflowId(String imageId) {
    return "image-" + imageId;
  }
}
