package dev.shipyard.activities.images;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.common.Heartbeats;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.workflows.images.BuiltImage;
import dev.shipyard.workflows.images.ImageBuildActivities;
import dev.shipyard.workflows.images.ImageBuildRequest;
import dev.shipyard.workflows.images.ImageFailure;
import java.util.List;

/**
 * Reads the capsule version's files from object storage and has {@link JibImageBuilder} build and
 * push them, heartbeating meanwhile. A retry rebuilds the same image (same digest); the registry
 * already has its blobs, so Jib pushes nothing twice.
 */
public class ImageBuildActivitiesImpl implements ImageBuildActivities {

  private final ProjectFiles files;
  private final JibImageBuilder builder;

  public ImageBuildActivitiesImpl(ProjectFiles files, JibImageBuilder builder) {
    this.files = files;
    this.builder = builder;
  }

  @Override
  public BuiltImage buildAndPush(ImageBuildRequest request) {
    String base = null;
    try {
      List<SourceFile> project;
      try {
        project = files.load(request.manifestKey());
      } catch (RuntimeException e) {
        throw new ImageBuildException(
            ImageFailure.SOURCE_MISSING,
            "the files of " + request.versionId() + " cannot be read: " + e.getMessage());
      }
      base = builder.settings().base(ImageStacks.plan(project).stack());
      return Heartbeats.during("build and push", () -> builder.build(request, project));
    } catch (Exception e) {
      throw ImageFailures.map(e, base);
    }
  }
}
