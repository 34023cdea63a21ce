package dev.shipyard.workflows.capsules;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** See {@link CapsuleGenerationWorkflow}. Deterministic: all I/O is in activities. */
public class CapsuleGenerationWorkflowImpl implements CapsuleGenerationWorkflow {

  private static final RetryOptions RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2)
          .setMaximumAttempts(4)
          .setDoNotRetry(
              GenerationFailure.UNSUPPORTED_REQUEST.name(),
              GenerationFailure.ENGINE_OUTPUT_INVALID.name(),
              GenerationFailure.ENGINE_UNAVAILABLE.name())
          .build();

  /** Long steps heartbeat, so a cancel reaches them within seconds. */
  private final CapsuleActivities steps =
      Workflow.newActivityStub(
          CapsuleActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(10))
              .setHeartbeatTimeout(Duration.ofSeconds(10))
              .setCancellationType(ActivityCancellationType.TRY_CANCEL)
              .setRetryOptions(RETRY)
              .build());

  private final CapsuleActivities bookkeeping =
      Workflow.newActivityStub(
          CapsuleActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(10).build())
              .build());

  /** Webhook delivery: a few retries, then the capsule stays stored and the failure is shown. */
  private final CapsuleActivities events =
      Workflow.newActivityStub(
          CapsuleActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(2))
                      .setBackoffCoefficient(3)
                      .setMaximumAttempts(5)
                      .build())
              .build());

  private CapsuleStatus status = CapsuleStatus.QUEUED;
  private ProjectPlan plan;
  private final List<Iteration> iterations = new ArrayList<>();

  @Override
  public GenerationResult generate(GenerationRequest request) {
    Workflow.upsertTypedSearchAttributes(
        ShipyardSearchAttributes.TENANT.valueSet(request.tenantId()),
        ShipyardSearchAttributes.OWNER.valueSet(request.userId()),
        ShipyardSearchAttributes.KIND.valueSet("capsule-generation"));
    try {
      return run(request);
    } catch (ActivityFailure | CanceledFailure e) {
      boolean cancelled = e instanceof CanceledFailure || e.getCause() instanceof CanceledFailure;
      CapsuleStatus end = cancelled ? CapsuleStatus.CANCELLED : CapsuleStatus.FAILED;
      String reason = cancelled ? "cancelled on request" : failureMessage(e);
      // Record the end even though the workflow is being cancelled: a detached scope still runs.
      Workflow.newDetachedCancellationScope(
              () -> {
                enter(end);
                bookkeeping.recordStatus(request.capsuleId(), end, reason);
              })
          .run();
      throw e;
    }
  }

  private GenerationResult run(GenerationRequest request) {
    enter(CapsuleStatus.PLANNING);
    bookkeeping.recordStatus(request.capsuleId(), status, null);
    plan = steps.plan(request);
    Workflow.setCurrentDetails(
        "Plan: "
            + plan.stack()
            + ", features "
            + plan.features()
            + ", entities "
            + plan.entities());

    enter(CapsuleStatus.GENERATING);
    bookkeeping.recordStatus(request.capsuleId(), status, null);
    long started = Workflow.currentTimeMillis();
    FileSet files = steps.generate(request, plan);
    ValidationReport report = validate(request, files, "generate", started);

    while (!report.productionReady() && iterations.size() < request.maxIterations()) {
      enter(CapsuleStatus.REFINING);
      bookkeeping.recordStatus(request.capsuleId(), status, null);
      long round = Workflow.currentTimeMillis();
      FileSet refined = steps.refine(request, plan, files, report);
      if (refined.digest().equals(files.digest())) {
        break; // the engine has nothing more to change: further rounds would repeat this one
      }
      files = refined;
      report = validate(request, files, "refine", round);
    }

    enter(CapsuleStatus.STORING);
    String version = steps.store(request, plan, files, report, List.copyOf(iterations));
    enter(CapsuleStatus.STORED);
    String stored = "Stored: score " + report.score() + " after " + iterations.size() + " round(s)";
    try {
      events.emitCreated(request, report.score());
      Workflow.setCurrentDetails(stored);
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof CanceledFailure) {
        throw e;
      }
      Workflow.setCurrentDetails(stored + "; capsule.created webhook failed: " + failureMessage(e));
    }
    return new GenerationResult(
        request.capsuleId(), plan, files, version, report, List.copyOf(iterations));
  }

  private ValidationReport validate(
      GenerationRequest request, FileSet files, String phase, long roundStarted) {
    enter(CapsuleStatus.VALIDATING);
    bookkeeping.recordStatus(request.capsuleId(), status, null);
    ValidationReport report = steps.validate(request, plan, files);
    iterations.add(
        new Iteration(
            iterations.size() + 1,
            phase,
            files.digest(),
            report.score(),
            report.productionReady(),
            report.issues(),
            Workflow.currentTimeMillis() - roundStarted));
    Workflow.setCurrentDetails(
        "Round "
            + iterations.size()
            + " ("
            + phase
            + "): score "
            + report.score()
            + (report.issues().isEmpty() ? "" : ", issues: " + report.issues()));
    return report;
  }

  private void enter(CapsuleStatus next) {
    status = next;
    Workflow.upsertTypedSearchAttributes(ShipyardSearchAttributes.STATUS.valueSet(next.value()));
  }

  private static String failureMessage(Exception e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    return cause.getMessage();
  }

  @Override
  public GenerationProgress progress() {
    return new GenerationProgress(status, plan, List.copyOf(iterations));
  }
}
