package dev.shipyard.workflows.analysis;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import dev.shipyard.workflows.tasks.TaskEvent;
import dev.shipyard.workflows.tasks.TaskEventActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.util.Map;

/**
 * See {@link AnalysisWorkflow}. Deterministic: the analyzers run in one activity; every state
 * change goes through the run projection with a growing sequence, and a task event.
 */
public class AnalysisWorkflowImpl implements AnalysisWorkflow {

  private final AnalysisActivities analysis =
      Workflow.newActivityStub(
          AnalysisActivities.class, WorkerRegistry.options(AnalysisActivities.class));

  private final ProjectionActivities projection =
      Workflow.newActivityStub(
          ProjectionActivities.class, WorkerRegistry.options(ProjectionActivities.class));

  private final TaskEventActivities events =
      Workflow.newActivityStub(
          TaskEventActivities.class, WorkerRegistry.options(TaskEventActivities.class));

  private AnalysisRequest request;
  private String status = "initializing";
  private long sequence;

  @Override
  public AnalysisSummary analyze(AnalysisRequest request) {
    this.request = request;
    Workflow.upsertTypedSearchAttributes(
        ShipyardSearchAttributes.TENANT.valueSet(request.tenantId()),
        ShipyardSearchAttributes.OWNER.valueSet(request.ownerId()),
        ShipyardSearchAttributes.KIND.valueSet(AnalysisRequest.KIND));
    try {
      String started = "Analysing " + request.projectName() + " (" + request.types() + ")";
      enter(RunStatus.RUNNING, "analyzing", started, null);
      events.append(event(TaskEvent.PROGRESS, "running", 0, "Starting", started, Map.of()));
      AnalysisSummary summary = analysis.analyze(request);
      enter(RunStatus.COMPLETED, "completed", summary.line(), null);
      events.append(
          event(
              TaskEvent.COMPLETION,
              "completed",
              100,
              "Completed",
              summary.line(),
              summary.asEventData()));
      return summary;
    } catch (ActivityFailure | CanceledFailure e) {
      boolean cancelled = e instanceof CanceledFailure || e.getCause() instanceof CanceledFailure;
      RunStatus end = cancelled ? RunStatus.CANCELLED : RunStatus.FAILED;
      String reason = cancelled ? "cancelled on request" : failureMessage(e);
      // a detached scope still runs while the workflow is being cancelled
      Workflow.newDetachedCancellationScope(
              () -> {
                enter(end, end.value(), reason, reason);
                events.append(
                    event(TaskEvent.ERROR, end.value(), 0, null, reason, Map.of("error", reason)));
              })
          .run();
      throw e;
    }
  }

  private TaskEvent event(
      String type,
      String eventStatus,
      int progress,
      String step,
      String message,
      Map<String, Object> data) {
    return new TaskEvent(
        request.analysisId(), TaskEvent.ANALYSIS, type, eventStatus, progress, step, message, data);
  }

  private void enter(RunStatus next, String phase, String details, String error) {
    status = next == RunStatus.RUNNING ? "running" : next.value();
    Workflow.upsertTypedSearchAttributes(ShipyardSearchAttributes.STATUS.valueSet(status));
    Workflow.setCurrentDetails(details);
    projection.recordRun(
        new RunProjection(
            request.workflowId(),
            AnalysisRequest.KIND,
            request.tenantId(),
            request.ownerId(),
            next,
            phase,
            details,
            error,
            ++sequence));
  }

  private static String failureMessage(Exception e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    return cause.getMessage();
  }

  @Override
  public String status() {
    return status;
  }
}
