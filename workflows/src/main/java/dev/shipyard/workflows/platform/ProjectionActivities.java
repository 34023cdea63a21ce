package dev.shipyard.workflows.platform;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The one way workflows write their status into PostgreSQL ({@code workflow_runs}), so the API can
 * show, list and filter runs without asking Temporal. Implementations are idempotent: see {@link
 * RunProjection#sequence()}.
 */
@ActivityInterface(namePrefix = "Projection")
public interface ProjectionActivities {

  @ActivityMethod
  void recordRun(RunProjection projection);
}
