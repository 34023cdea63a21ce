package dev.shipyard.workflows.images;

import io.temporal.activity.ActivityInterface;

/**
 * Builds an OCI image from a capsule version with Jib (no Docker daemon) and pushes it to the
 * configured registry. Long (heartbeats); idempotent: the same version gives the same digest, and
 * pushing an image the registry has is a no-op.
 */
@ActivityInterface(namePrefix = "ImageBuild")
public interface ImageBuildActivities {

  /** Builds and pushes the image; answers what the registry serves under its digest. */
  BuiltImage buildAndPush(ImageBuildRequest request);
}
