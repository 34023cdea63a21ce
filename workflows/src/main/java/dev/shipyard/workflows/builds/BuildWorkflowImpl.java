package dev.shipyard.workflows.builds;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.tasks.TaskEvent;
import dev.shipyard.workflows.tasks.TaskEventActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * See {@link BuildWorkflow}. Deterministic: all I/O is in activities whose queues and profiles come
 * from {@link WorkerRegistry}. Every state change goes through the run projection (kind {@code
 * build}, phase {@code initializing}/{@code running}) and a task event; the Web UI shows a static
 * summary (set by the API at start), the current step as current details and the search attributes.
 */
public class BuildWorkflowImpl implements BuildWorkflow {

  static final String STEP_QUEUED = "Queued";
  static final String STEP_PREPARE = "Preparing project";
  static final String STEP_BUILD = "Building and testing";

  private final BuildProjectActivities project =
      Workflow.newActivityStub(
          BuildProjectActivities.class, WorkerRegistry.options(BuildProjectActivities.class));

  private final BuildStepActivities steps =
      Workflow.newActivityStub(
          BuildStepActivities.class, WorkerRegistry.options(BuildStepActivities.class));

  private final BuildRecordActivities records =
      Workflow.newActivityStub(
          BuildRecordActivities.class, WorkerRegistry.options(BuildRecordActivities.class));

  private final TaskEventActivities events =
      Workflow.newActivityStub(
          TaskEventActivities.class, WorkerRegistry.options(TaskEventActivities.class));

  private final ProjectionActivities projection =
      Workflow.newActivityStub(
          ProjectionActivities.class, WorkerRegistry.options(ProjectionActivities.class));

  private BuildRequest request;
  private BuildStatus status = BuildStatus.INITIALIZING;
  private String step = STEP_QUEUED;
  private PreparedProject prepared;
  private CancelRequest cancel;
  private CancellationScope running;
  private long sequence;

  @Override
  public BuildOutcome build(BuildRequest request) {
    this.request = request;
    Workflow.upsertTypedSearchAttributes(
        ShipyardSearchAttributes.TENANT.valueSet(request.tenantId()),
        ShipyardSearchAttributes.OWNER.valueSet(request.ownerId()),
        ShipyardSearchAttributes.KIND.valueSet(BuildRequest.KIND));
    try {
      enter(BuildStatus.INITIALIZING, STEP_QUEUED, "Build of " + request.projectName(), null, 0);
      prepared = step(STEP_PREPARE, 5, () -> project.prepare(request));
      enter(
          BuildStatus.RUNNING,
          STEP_BUILD,
          "Capsule "
              + prepared.capsuleId()
              + " ("
              + prepared.stack()
              + "): "
              + (prepared.generated() ? "generated" : "existing")
              + "; building and testing",
          null,
          20);
      BuildResults results = step(STEP_BUILD, 20, () -> steps.run(request, prepared));
      String done = summary(results);
      finish(BuildStatus.COMPLETED, done, null, results);
      return new BuildOutcome(BuildStatus.COMPLETED, results, done);
    } catch (CanceledFailure e) {
      return cancelled(); // a Temporal cancel of the workflow itself
    } catch (ActivityFailure e) {
      if (isCancellation(e)) {
        return cancelled();
      }
      String error = step + " failed: " + failureMessage(e);
      Workflow.newDetachedCancellationScope(
              () -> {
                records.recordPartial(request.taskId(), BuildResults.partial(prepared));
                finish(BuildStatus.FAILED, error, error, null);
              })
          .run();
      throw ApplicationFailure.newNonRetryableFailure(error, "BUILD_FAILED");
    }
  }

  /** Runs one step in its own scope, which the cancel signal cancels; nothing if cancelled. */
  private <T> T step(String name, int progress, Functions.Func<T> activity) {
    if (cancel != null) {
      throw new CanceledFailure("cancelled before " + name);
    }
    step = name;
    Workflow.setCurrentDetails(name + " (" + request.projectName() + ")");
    events.append(event(TaskEvent.PROGRESS, status.value(), progress, name, name, Map.of()));
    Object[] result = new Object[1];
    running = Workflow.newCancellationScope(() -> result[0] = activity.apply());
    try {
      running.run();
    } finally {
      running = null;
    }
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }

  private BuildOutcome cancelled() {
    String by = cancel != null && cancel.by() != null ? cancel.by() : "a cancel request";
    String reason =
        "cancelled by "
            + by
            + (cancel != null && cancel.reason() != null ? ": " + cancel.reason() : "")
            + " during "
            + step;
    BuildResults partial = BuildResults.partial(prepared);
    Workflow.newDetachedCancellationScope(
            () -> {
              records.recordPartial(request.taskId(), partial);
              finish(BuildStatus.CANCELLED, reason, reason, null);
            })
        .run();
    return new BuildOutcome(BuildStatus.CANCELLED, partial, reason);
  }

  @Override
  public void cancel(CancelRequest request) {
    if (cancel != null || status.isTerminal()) {
      return;
    }
    cancel = request == null ? new CancelRequest(null, null) : request;
    if (running != null) {
      running.cancel("cancel requested by " + cancel.by());
    }
  }

  @Override
  public BuildState state() {
    return new BuildState(
        status,
        step,
        prepared == null ? null : prepared.capsuleId(),
        cancel == null ? null : cancel.by());
  }

  private void finish(BuildStatus end, String details, String error, BuildResults results) {
    Map<String, Object> data = new LinkedHashMap<>();
    if (results != null) {
      data.put("results", results.toDocument());
    }
    if (error != null) {
      data.put("error", error);
    }
    enter(end, step, details, error, end == BuildStatus.COMPLETED ? 100 : -1);
    events.append(
        event(
            end == BuildStatus.COMPLETED ? TaskEvent.COMPLETION : TaskEvent.ERROR,
            end.value(),
            end == BuildStatus.COMPLETED ? 100 : -1,
            step,
            details,
            data));
  }

  /** Moves to {@code next}: search attribute, Web UI details, run projection, progress event. */
  private void enter(BuildStatus next, String stepName, String details, String error, int pct) {
    status = next;
    Workflow.upsertTypedSearchAttributes(ShipyardSearchAttributes.STATUS.valueSet(next.value()));
    Workflow.setCurrentDetails(details);
    projection.recordRun(
        new RunProjection(
            request.workflowId(),
            BuildRequest.KIND,
            request.tenantId(),
            request.ownerId(),
            next.run(),
            next.isTerminal() ? stepName : next.value(),
            details,
            error,
            ++sequence));
    if (!next.isTerminal()) {
      events.append(event(TaskEvent.PROGRESS, next.value(), pct, stepName, details, Map.of()));
    }
  }

  /** A task event; a negative progress means "as far as it got" (the last recorded one). */
  private TaskEvent event(
      String type, String eventStatus, int pct, String stepName, String message, Map<String, ?> d) {
    Map<String, Object> data = new LinkedHashMap<>(d);
    data.put("current_step", stepName);
    return new TaskEvent(
        request.taskId(),
        TaskEvent.BUILD,
        type,
        eventStatus,
        pct < 0 ? lastProgress() : pct,
        stepName,
        message,
        data);
  }

  private int lastProgress() {
    return prepared == null ? 5 : 20;
  }

  private static String summary(BuildResults r) {
    return "Built capsule "
        + r.capsuleId()
        + ": "
        + r.testsPassed()
        + " test(s) passed, "
        + r.testsFailed()
        + " failed"
        + (r.testCoverage() == null ? "" : ", coverage " + r.testCoverage() + "%");
  }

  private static boolean isCancellation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CanceledFailure) {
        return true;
      }
    }
    return false;
  }

  private static String failureMessage(Exception e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    return cause.getMessage();
  }
}
