package dev.shipyard.workflows.builds;

import io.temporal.activity.ActivityInterface;

/**
 * The build step: the project builder (toolchain, sandbox) run on the CPU queue, heartbeating about
 * once a second, so a cancel kills its process tree within about two seconds. The log is stored as
 * {@code builds/<task_id>/build.log}; results go to {@code builds.results}.
 */
@ActivityInterface(namePrefix = "BuildStep")
public interface BuildStepActivities {

  /**
   * Builds and tests the project; writes results (also when tests fail or the step is cancelled:
   * then with what is known) and the log blob.
   */
  BuildResults run(BuildRequest request, PreparedProject project);
}
