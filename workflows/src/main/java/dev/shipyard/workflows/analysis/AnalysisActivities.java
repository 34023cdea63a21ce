package dev.shipyard.workflows.analysis;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Runs the real analyzers on a capsule's files (CPU queue, long-step profile: heartbeats,
 * cancellable), reporting progress per analyzer as task events; writes the results into {@code
 * analyses.results} (at most 500 findings inline) and the full report to {@code
 * analyses/<id>/report.json}. Idempotent: a retry rewrites the same results.
 */
@ActivityInterface(namePrefix = "Analysis")
public interface AnalysisActivities {

  @ActivityMethod
  AnalysisSummary analyze(AnalysisRequest request);
}
