package dev.shipyard.workflows.builds;

import io.temporal.activity.ActivityInterface;

/**
 * Resolves or generates the project of a build and stores it as a capsule. Idempotent: a retry
 * finds the capsule the first attempt stored (its ID derives from the task ID).
 */
@ActivityInterface(namePrefix = "BuildProject")
public interface BuildProjectActivities {

  /**
   * The caller's latest stored capsule named {@code request.projectName()} with the goal applied,
   * or a new capsule generated from the goal and parameters; its ID and version are written to the
   * build's row.
   */
  PreparedProject prepare(BuildRequest request);
}
