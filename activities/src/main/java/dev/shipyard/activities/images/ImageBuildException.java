package dev.shipyard.activities.images;

import dev.shipyard.workflows.images.ImageFailure;

/** A failure of an image build that already knows its type. */
public class ImageBuildException extends RuntimeException {

  private final ImageFailure type;

  public ImageBuildException(ImageFailure type, String message) {
    super(message);
    this.type = type;
  }

  public ImageFailure type() {
    return type;
  }
}
