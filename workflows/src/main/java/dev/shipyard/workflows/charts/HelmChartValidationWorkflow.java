package dev.shipyard.workflows.charts;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Validates one version of a Helm chart: strict {@code helm lint}, then {@code helm template}.
 * Workflow ID {@code helm-chart-<chart_id>@<version>} ({@link
 * HelmChartValidationRequest#workflowId(String, String)}); status through the run projection (kind
 * {@code helm-chart}, phase {@code validating}, then {@code valid} or {@code invalid}).
 */
@WorkflowInterface
public interface HelmChartValidationWorkflow {

  @WorkflowMethod
  HelmChartReport validate(HelmChartValidationRequest request);
}
