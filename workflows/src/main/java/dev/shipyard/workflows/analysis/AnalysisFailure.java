package dev.shipyard.workflows.analysis;

/**
 * Typed failures of an analysis (the {@code ApplicationFailure} type of a failed activity); mapped
 * from exceptions in one place ({@code activities/.../analysis/AnalysisActivitiesImpl}).
 */
public enum AnalysisFailure {
  /** The capsule's files are gone from object storage: retrying cannot help. */
  PROJECT_FILES_MISSING(false),
  /** Anything else (storage or database hiccup, a lost worker): retried within the profile. */
  ANALYSIS_FAILED(true);

  private final boolean retryable;

  AnalysisFailure(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
