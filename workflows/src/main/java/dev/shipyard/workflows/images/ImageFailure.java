package dev.shipyard.workflows.images;

/**
 * Every typed failure of an image build: the {@code ApplicationFailure} type of a failed activity,
 * mapped from exceptions in one place ({@code activities/.../images/ImageFailures}).
 */
public enum ImageFailure {
  /** The capsule version's files cannot be read from object storage. */
  SOURCE_MISSING(false),
  /** No registry is configured ({@code IMAGE_REGISTRY}). */
  REGISTRY_NOT_CONFIGURED(false),
  /** The registry refused the push or a read (401/403/4xx): its answer is named. */
  REGISTRY_REFUSED(false),
  /** The registry could not be reached or answered 5xx/429: retried. */
  REGISTRY_UNAVAILABLE(true),
  /** The configured base image cannot be pulled. */
  BASE_IMAGE_UNAVAILABLE(false),
  /** Anything else of the build (named). */
  BUILD_FAILED(false);

  private final boolean retryable;

  ImageFailure(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
