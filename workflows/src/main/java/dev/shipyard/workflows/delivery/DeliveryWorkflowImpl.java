package dev.shipyard.workflows.delivery;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * See {@link DeliveryWorkflow}. Deterministic: every destination step starts at once, each with its
 * own stub whose schedule-to-close timeout is the destination's retry window ({@link
 * DeliveryRequest#retryWindow(DeliveryTarget)}): failures that may pass are retried with the
 * profile's backoff until the window closes, typed non-retryable ones end the step at once. A step
 * that ends in failure becomes a failed {@link DestinationResult} with its typed cause and last
 * message; it never fails the delivery. The results and events are recorded before the run is
 * completed, so a completed run always has its results.
 */
public class DeliveryWorkflowImpl implements DeliveryWorkflow {

  private final DeliveryRecordActivities records =
      Workflow.newActivityStub(
          DeliveryRecordActivities.class, WorkerRegistry.options(DeliveryRecordActivities.class));

  private final ProjectionActivities projection =
      Workflow.newActivityStub(
          ProjectionActivities.class, WorkerRegistry.options(ProjectionActivities.class));

  private DeliveryRequest request;
  private long sequence;
  private final List<DestinationResult> ended = new ArrayList<>();

  @Override
  public DeliveryResult deliver(DeliveryRequest request) {
    this.request = request;
    Workflow.upsertTypedSearchAttributes(
        ShipyardSearchAttributes.TENANT.valueSet(request.tenantId()),
        ShipyardSearchAttributes.OWNER.valueSet(request.userId()),
        ShipyardSearchAttributes.KIND.valueSet(DeliveryRequest.KIND));
    int total = request.targets().size();
    try {
      enter(
          RunStatus.RUNNING,
          "delivering",
          "Delivering version " + request.versionId() + " to " + total + " destination(s)",
          null);
      List<Promise<DestinationResult>> pending = new ArrayList<>();
      for (DeliveryTarget target : request.targets()) {
        Duration window = request.retryWindow(target);
        DeliveryDestinationActivities step =
            Workflow.newActivityStub(DeliveryDestinationActivities.class, options(window));
        pending.add(
            Async.function(step::deliver, request.destination(target))
                .handle(
                    (result, failure) -> {
                      DestinationResult done =
                          failure == null ? result : failed(target, window, failure);
                      ended.add(done);
                      Workflow.setCurrentDetails(ended.size() + " of " + total + " ended");
                      return done;
                    }));
      }
      List<DestinationResult> results = new ArrayList<>();
      for (Promise<DestinationResult> p : pending) {
        results.add(p.get());
      }
      DeliveryResult result = DeliveryResult.of(results);
      records.recordResults(request, result);
      enter(RunStatus.COMPLETED, "completed", result.line(), null);
      return result;
    } catch (ActivityFailure | CanceledFailure e) {
      boolean cancelled = e instanceof CanceledFailure || e.getCause() instanceof CanceledFailure;
      RunStatus end = cancelled ? RunStatus.CANCELLED : RunStatus.FAILED;
      String reason = cancelled ? "cancelled on request" : "Delivery failed: " + message(e);
      Workflow.newDetachedCancellationScope(() -> enter(end, end.value(), reason, reason)).run();
      throw e;
    }
  }

  /** The destination step's options: the registered profile, bounded by the retry window. */
  static ActivityOptions options(Duration window) {
    ActivityOptions registered = WorkerRegistry.options(DeliveryDestinationActivities.class);
    Duration perAttempt = registered.getStartToCloseTimeout();
    return ActivityOptions.newBuilder(registered)
        .setScheduleToCloseTimeout(window)
        .setStartToCloseTimeout(perAttempt.compareTo(window) < 0 ? perAttempt : window)
        .build();
  }

  /**
   * A step that ended in failure as a failed result: its typed cause (the last attempt's when the
   * window closed) and message. A cancel is rethrown: it ends the delivery, not a destination.
   */
  private static DestinationResult failed(
      DeliveryTarget target, Duration window, Throwable failure) {
    Throwable cause = failure instanceof ActivityFailure ? failure.getCause() : failure;
    if (cause instanceof CanceledFailure canceled) {
      throw canceled;
    }
    // The window closed: the server gives up before an attempt that could not end in it (the
    // last attempt's failure, retry state TIMEOUT) or at the window's end (a timeout failure).
    boolean windowClosed =
        failure instanceof ActivityFailure activity
                && activity.getRetryState() == RetryState.RETRY_STATE_TIMEOUT
            || cause instanceof TimeoutFailure;
    String retried = "not delivered within its retry window of " + window + "; last error: ";
    if (cause instanceof TimeoutFailure timeout && timeout.getCause() != null) {
      cause = timeout.getCause();
    }
    if (cause instanceof ApplicationFailure app) {
      return DestinationResult.failed(
          target, type(app), (windowClosed ? retried : "") + app.getOriginalMessage());
    }
    return DestinationResult.failed(
        target,
        DeliveryFailure.DESTINATION_UNAVAILABLE,
        (windowClosed ? retried : "") + message(cause));
  }

  private static DeliveryFailure type(ApplicationFailure failure) {
    for (DeliveryFailure f : DeliveryFailure.values()) {
      if (f.name().equals(failure.getType())) {
        return f;
      }
    }
    return DeliveryFailure.DESTINATION_UNAVAILABLE;
  }

  private static String message(Throwable failure) {
    Throwable cause =
        failure instanceof ActivityFailure && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof TimeoutFailure timeout && timeout.getCause() == null) {
      return "the attempt timed out ("
          + timeout.getTimeoutType().name().replace("TIMEOUT_TYPE_", "").toLowerCase(Locale.ROOT)
          + ")";
    }
    if (cause instanceof TemporalFailure temporal) {
      return temporal.getOriginalMessage();
    }
    return String.valueOf(cause.getMessage());
  }

  private void enter(RunStatus next, String phase, String details, String error) {
    Workflow.upsertTypedSearchAttributes(
        ShipyardSearchAttributes.STATUS.valueSet(
            next == RunStatus.RUNNING ? "running" : next.value()));
    Workflow.setCurrentDetails(details);
    projection.recordRun(
        new RunProjection(
            request.workflowId(),
            DeliveryRequest.KIND,
            request.tenantId(),
            request.userId(),
            next,
            phase,
            details,
            error,
            ++sequence));
  }

  @Override
  public DeliveryProgress progress() {
    return new DeliveryProgress(request == null ? 0 : request.targets().size(), ended);
  }
}
