package dev.shipyard.workflows.capsules;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * See {@link CapsuleGenerationWorkflow}. Deterministic: all I/O is in activities, whose task queues
 * and timeout profiles come from {@link WorkerRegistry}. Every state change is written through the
 * run projection (the capsule's one status path), with a sequence number that grows by one each
 * time.
 */
public class CapsuleGenerationWorkflowImpl implements CapsuleGenerationWorkflow {

  /** How many issues the Web UI's current details line names. */
  private static final int ISSUES_IN_DETAILS = 5;

  private final CapsuleEngineActivities engine =
      Workflow.newActivityStub(
          CapsuleEngineActivities.class, WorkerRegistry.options(CapsuleEngineActivities.class));

  private final CapsuleValidationActivities validation =
      Workflow.newActivityStub(
          CapsuleValidationActivities.class,
          WorkerRegistry.options(CapsuleValidationActivities.class));

  private final CapsuleStorageActivities storage =
      Workflow.newActivityStub(
          CapsuleStorageActivities.class, WorkerRegistry.options(CapsuleStorageActivities.class));

  private final CapsuleEventActivities events =
      Workflow.newActivityStub(
          CapsuleEventActivities.class, WorkerRegistry.options(CapsuleEventActivities.class));

  private final ProjectionActivities projection =
      Workflow.newActivityStub(
          ProjectionActivities.class, WorkerRegistry.options(ProjectionActivities.class));

  private CapsuleStatus status = CapsuleStatus.QUEUED;
  private ProjectPlan plan;
  private final List<Iteration> iterations = new ArrayList<>();
  private GenerationRequest request;
  private long sequence;

  @Override
  public GenerationResult generate(GenerationRequest request) {
    this.request = request;
    Workflow.upsertTypedSearchAttributes(
        ShipyardSearchAttributes.TENANT.valueSet(request.tenantId()),
        ShipyardSearchAttributes.OWNER.valueSet(request.userId()),
        ShipyardSearchAttributes.KIND.valueSet(CapsuleStatus.KIND));
    try {
      return run();
    } catch (ActivityFailure | CanceledFailure e) {
      boolean cancelled = e instanceof CanceledFailure || e.getCause() instanceof CanceledFailure;
      CapsuleStatus end = cancelled ? CapsuleStatus.CANCELLED : CapsuleStatus.FAILED;
      String reason = cancelled ? "cancelled on request" : failureMessage(e);
      // Record the end even though the workflow is being cancelled: a detached scope still runs.
      Workflow.newDetachedCancellationScope(() -> enter(end, reason, reason)).run();
      throw e;
    }
  }

  private GenerationResult run() {
    enter(CapsuleStatus.PLANNING, "Planning", null);
    plan = engine.plan(request);

    enter(
        CapsuleStatus.GENERATING,
        "Plan: " + plan.stack() + ", features " + plan.features() + ", entities " + plan.entities(),
        null);
    long started = Workflow.currentTimeMillis();
    FileSet files = engine.generate(request, plan);
    ValidationSummary report = validate(files, "generate", started);

    while (!report.productionReady() && iterations.size() < request.maxIterations()) {
      enter(CapsuleStatus.REFINING, roundDetails(), null);
      long round = Workflow.currentTimeMillis();
      FileSet refined = engine.refine(request, plan, files, report);
      if (refined.digest().equals(files.digest())) {
        break; // the engine has nothing more to change: further rounds would repeat this one
      }
      files = refined;
      report = validate(files, "refine", round);
    }

    enter(CapsuleStatus.STORING, roundDetails(), null);
    String version = storage.store(request, plan, files, report, List.copyOf(iterations));
    String stored = "Stored: score " + report.score() + " after " + iterations.size() + " round(s)";
    enter(CapsuleStatus.STORED, stored, null);
    try {
      events.emitCreated(request, report.score());
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof CanceledFailure) {
        throw e;
      }
      Workflow.setCurrentDetails(stored + "; capsule.created webhook failed: " + failureMessage(e));
    }
    return new GenerationResult(
        request.capsuleId(), plan, files, version, report, List.copyOf(iterations));
  }

  private ValidationSummary validate(FileSet files, String phase, long roundStarted) {
    enter(CapsuleStatus.VALIDATING, "Validating round " + (iterations.size() + 1), null);
    ValidationSummary report = validation.validate(request, plan, files);
    iterations.add(
        new Iteration(
            iterations.size() + 1,
            phase,
            files.digest(),
            report.score(),
            report.productionReady(),
            report.issues(),
            report.issueCount(),
            report.reportKey(),
            Workflow.currentTimeMillis() - roundStarted));
    Workflow.setCurrentDetails(roundDetails());
    return report;
  }

  /** The last round in one bounded line, for the Web UI and the projection's details. */
  private String roundDetails() {
    if (iterations.isEmpty()) {
      return null;
    }
    Iteration last = iterations.get(iterations.size() - 1);
    StringBuilder line =
        new StringBuilder("Round ")
            .append(last.number())
            .append(" (")
            .append(last.phase())
            .append("): score ")
            .append(last.score());
    if (last.issueCount() > 0) {
      List<String> named =
          last.issues().subList(0, Math.min(ISSUES_IN_DETAILS, last.issues().size()));
      line.append(", ").append(last.issueCount()).append(" issue(s): ").append(named);
    }
    return line.toString();
  }

  /** Moves to {@code next}: search attribute, Web UI details and the run projection. */
  private void enter(CapsuleStatus next, String details, String error) {
    status = next;
    Workflow.upsertTypedSearchAttributes(ShipyardSearchAttributes.STATUS.valueSet(next.value()));
    if (details != null) {
      Workflow.setCurrentDetails(details);
    }
    projection.recordRun(
        new RunProjection(
            request.workflowId(),
            CapsuleStatus.KIND,
            request.tenantId(),
            request.userId(),
            next.run(),
            next.value(),
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
  public GenerationProgress progress() {
    return new GenerationProgress(status, plan, List.copyOf(iterations));
  }
}
