package dev.shipyard.activities.builds;

import dev.shipyard.activities.codegen.UnsupportedRequestException;
import dev.shipyard.workflows.builds.BuildFailure;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;

/** The one place where exceptions of the build activities become Temporal failures. */
final class BuildFailures {

  private BuildFailures() {}

  static ApplicationFailure of(BuildFailure type, String message) {
    return type.retryable()
        ? ApplicationFailure.newFailure(message, type.name())
        : ApplicationFailure.newNonRetryableFailure(message, type.name());
  }

  static RuntimeException map(Exception e) {
    if (e instanceof ApplicationFailure || e instanceof ActivityCompletionException) {
      return (RuntimeException) e;
    }
    if (e instanceof UnsupportedRequestException) {
      return of(BuildFailure.UNSUPPORTED_REQUEST, e.getMessage());
    }
    return Activity.wrap(e);
  }

  /**
   * The failure of a build whose report did not succeed, naming the first failed step and its tool;
   * null when it succeeded.
   */
  static ApplicationFailure of(BuildReport report) {
    for (BuildReport.Step step : report.steps()) {
      if (step.succeeded()) {
        continue;
      }
      if ("not_found".equals(step.outcome())) {
        return of(
            BuildFailure.TOOLCHAIN_MISSING,
            "Step '" + step.name() + "' could not run: " + step.tool() + " is not installed");
      }
      if ("timed_out".equals(step.outcome())) {
        return of(
            BuildFailure.STEP_FAILED, "Step '" + step.name() + "' (" + step.tool() + ") timed out");
      }
      if (report.testsFailed() > 0) {
        break; // the test step failed because tests failed: say so below
      }
      return of(
          BuildFailure.STEP_FAILED,
          "Step '" + step.name() + "' (" + step.tool() + ") exited with " + step.exitCode());
    }
    if (report.testsFailed() > 0) {
      return of(
          BuildFailure.TESTS_FAILED,
          report.testsFailed()
              + " test(s) failed, "
              + report.testsPassed()
              + " passed (see the build log)");
    }
    return null;
  }
}
