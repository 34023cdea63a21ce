package dev.shipyard.workflows.capsules.batch;

/**
 * Typed failures of a batch export step (the {@code ApplicationFailure} type of a failed activity);
 * mapped from exceptions in one place ({@code activities/.../capsules/batch}). A capsule that is
 * missing or not the caller's is no failure of the step but a failed item ({@link
 * ExportItemResult#notFound}).
 */
public enum BatchExportFailure {
  /**
   * The version's manifest or one of its files is gone from object storage: retrying cannot help.
   */
  VERSION_FILES_MISSING(false),
  /** A path of the version cannot be archived (absolute, {@code ..}, ...): retrying cannot help. */
  UNARCHIVABLE_PATHS(false),
  /** Anything else (storage or database hiccup, a lost worker): retried within the profile. */
  EXPORT_FAILED(true);

  private final boolean retryable;

  BatchExportFailure(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
