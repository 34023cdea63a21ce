package dev.shipyard.workflows.charts;

/**
 * Typed failures of a chart validation (the {@code ApplicationFailure} type of a failed activity);
 * mapped from exceptions in one place ({@code
 * activities/.../charts/HelmChartValidationActivitiesImpl}). A chart helm refuses is not a failure:
 * it is a report with {@code valid = false}.
 */
public enum HelmChartFailure {
  /** The packaged chart is gone from object storage: retrying cannot help. */
  PACKAGE_MISSING(false),
  /** The archive is unsafe or over a bound (the API checks before storing; this is a guard). */
  ARCHIVE_REFUSED(false),
  /** Storage, database or a lost worker: retried within the profile. */
  VALIDATION_FAILED(true);

  private final boolean retryable;

  HelmChartFailure(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
