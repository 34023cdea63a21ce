package dev.shipyard.workflows.images;

import io.temporal.activity.ActivityInterface;

/** Short writes of an image's business row (bookkeeping profile, no heartbeat). */
@ActivityInterface(namePrefix = "ImageRecord")
public interface ImageRecordActivities {

  /** Writes the digest, size, layers and config the registry answered. Idempotent. */
  void recordBuilt(String imageId, BuiltImage image);

  /** Writes the failed step and its cause. Idempotent. */
  void recordFailed(String imageId, String step, String cause);
}
