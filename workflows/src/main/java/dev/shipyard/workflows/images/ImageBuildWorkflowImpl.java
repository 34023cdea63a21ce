package dev.shipyard.workflows.images;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/**
 * See {@link ImageBuildWorkflow}. Deterministic: the build and the record are activities whose
 * queues and profiles come from {@link WorkerRegistry}; the build runs on the CPU queue.
 */
public class ImageBuildWorkflowImpl implements ImageBuildWorkflow {

  static final String STEP_BUILD = "build and push";
  static final String STEP_RECORD = "record";

  private final ImageBuildActivities builder =
      Workflow.newActivityStub(
          ImageBuildActivities.class, WorkerRegistry.options(ImageBuildActivities.class));

  private final ImageRecordActivities records =
      Workflow.newActivityStub(
          ImageRecordActivities.class, WorkerRegistry.options(ImageRecordActivities.class));

  private final ProjectionActivities projection =
      Workflow.newActivityStub(
          ProjectionActivities.class, WorkerRegistry.options(ProjectionActivities.class));

  private ImageBuildRequest request;
  private String step = "queued";
  private long sequence;

  @Override
  public BuiltImage build(ImageBuildRequest request) {
    this.request = request;
    Workflow.upsertTypedSearchAttributes(
        ShipyardSearchAttributes.TENANT.valueSet(request.tenantId()),
        ShipyardSearchAttributes.OWNER.valueSet(request.ownerId()),
        ShipyardSearchAttributes.KIND.valueSet(ImageBuildRequest.KIND));
    String target = request.repository() + ":" + request.tag();
    enter(
        RunStatus.RUNNING,
        "building",
        "Building " + target + " from " + request.capsuleId() + " v" + request.versionNumber(),
        null);
    BuiltImage image;
    try {
      step = STEP_BUILD;
      image = builder.buildAndPush(request);
      step = STEP_RECORD;
      records.recordBuilt(request.imageId(), image);
    } catch (ActivityFailure e) {
      String cause = cause(e);
      String error = step + " failed: " + cause;
      records.recordFailed(request.imageId(), step, cause);
      enter(RunStatus.FAILED, "failed", error, error);
      throw ApplicationFailure.newNonRetryableFailure(error, "IMAGE_FAILED");
    }
    step = "built";
    enter(
        RunStatus.COMPLETED,
        "built",
        "Built " + target + " " + image.digest() + " (" + image.size() + " bytes)",
        null);
    return image;
  }

  @Override
  public String step() {
    return step;
  }

  private void enter(RunStatus status, String phase, String details, String error) {
    Workflow.upsertTypedSearchAttributes(ShipyardSearchAttributes.STATUS.valueSet(phase));
    Workflow.setCurrentDetails(details);
    projection.recordRun(
        new RunProjection(
            request.workflowId(),
            ImageBuildRequest.KIND,
            request.tenantId(),
            request.ownerId(),
            status,
            phase,
            details,
            error,
            ++sequence));
  }

  /** The failure's type and message as the activity reported them. */
  private static String cause(ActivityFailure e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ApplicationFailure app) {
      return app.getType() + ": " + app.getOriginalMessage();
    }
    return cause.getMessage();
  }
}
