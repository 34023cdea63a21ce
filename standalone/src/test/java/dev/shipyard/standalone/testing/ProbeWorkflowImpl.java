package dev.shipyard.standalone.testing;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class ProbeWorkflowImpl implements ProbeWorkflow {

  private final ProjectionActivities projection =
      Workflow.newActivityStub(
          ProjectionActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());

  private String stage = "starting";
  private String message;

  @Override
  public String run(String tenantId, String ownerId) {
    String id = Workflow.getInfo().getWorkflowId();
    Workflow.upsertTypedSearchAttributes(
        ShipyardSearchAttributes.TENANT.valueSet(tenantId),
        ShipyardSearchAttributes.OWNER.valueSet(ownerId),
        ShipyardSearchAttributes.KIND.valueSet("probe"),
        ShipyardSearchAttributes.STATUS.valueSet("running"));
    projection.recordRun(
        new RunProjection(id, "probe", tenantId, ownerId, RunStatus.RUNNING, "waiting", 1));
    stage = "waiting";
    Workflow.await(() -> message != null);
    stage = "finishing";
    projection.recordRun(
        new RunProjection(id, "probe", tenantId, ownerId, RunStatus.COMPLETED, message, 2));
    Workflow.upsertTypedSearchAttributes(ShipyardSearchAttributes.STATUS.valueSet("completed"));
    stage = "done";
    return "finished: " + message;
  }

  @Override
  public void finish(String message) {
    this.message = message;
  }

  @Override
  public String stage() {
    return stage;
  }
}
