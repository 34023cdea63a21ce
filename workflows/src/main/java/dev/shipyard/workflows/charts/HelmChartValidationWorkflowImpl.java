package dev.shipyard.workflows.charts;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/**
 * See {@link HelmChartValidationWorkflow}. Deterministic: helm runs in one activity; each state
 * goes through the run projection with a growing sequence. A chart helm refuses completes the run
 * in phase {@code invalid}; a validation that could not run (package gone, retries exhausted) fails
 * it in phase {@code invalid} with the reason.
 */
public class HelmChartValidationWorkflowImpl implements HelmChartValidationWorkflow {

  private final HelmChartValidationActivities helm =
      Workflow.newActivityStub(
          HelmChartValidationActivities.class,
          WorkerRegistry.options(HelmChartValidationActivities.class));

  private final ProjectionActivities projection =
      Workflow.newActivityStub(
          ProjectionActivities.class, WorkerRegistry.options(ProjectionActivities.class));

  private HelmChartValidationRequest request;
  private long sequence;

  @Override
  public HelmChartReport validate(HelmChartValidationRequest request) {
    this.request = request;
    Workflow.upsertTypedSearchAttributes(
        ShipyardSearchAttributes.TENANT.valueSet(request.tenantId()),
        ShipyardSearchAttributes.OWNER.valueSet(request.ownerId()),
        ShipyardSearchAttributes.KIND.valueSet(HelmChartValidationRequest.KIND));
    enter(
        RunStatus.RUNNING,
        "validating",
        "helm lint --strict and helm template of " + request.name() + " " + request.version(),
        null);
    HelmChartReport report;
    try {
      report = helm.validate(request);
    } catch (ActivityFailure e) {
      String reason = "The validation could not run: " + failureMessage(e);
      enter(RunStatus.FAILED, "invalid", reason, reason);
      throw e;
    }
    enter(
        RunStatus.COMPLETED,
        report.valid() ? "valid" : "invalid",
        report.line(),
        report.valid() ? null : report.first());
    return report;
  }

  private void enter(RunStatus next, String phase, String details, String error) {
    Workflow.upsertTypedSearchAttributes(ShipyardSearchAttributes.STATUS.valueSet(phase));
    Workflow.setCurrentDetails(details);
    projection.recordRun(
        new RunProjection(
            request.workflowId(),
            HelmChartValidationRequest.KIND,
            request.tenantId(),
            request.ownerId(),
            next,
            phase,
            details,
            error,
            ++sequence));
  }

  private static String failureMessage(ActivityFailure e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    return cause.getMessage();
  }
}
