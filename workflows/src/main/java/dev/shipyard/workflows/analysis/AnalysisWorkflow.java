package dev.shipyard.workflows.analysis;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One code analysis: analyze → results. Workflow ID {@code analysis-<analysis_id>}; status through
 * the run projection (kind {@code analysis}), events in {@code task_events}; cancel it to stop.
 */
@WorkflowInterface
public interface AnalysisWorkflow {

  @WorkflowMethod
  AnalysisSummary analyze(AnalysisRequest request);

  /**
   * {@code initializing}, {@code running}, {@code completed}, {@code failed} or {@code cancelled}.
   */
  @QueryMethod
  String status();
}
