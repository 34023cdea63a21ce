package dev.shipyard.workflows.builds;

import io.temporal.activity.ActivityInterface;

/** Short writes of a build's business row (bookkeeping profile, no heartbeat). */
@ActivityInterface(namePrefix = "BuildRecord")
public interface BuildRecordActivities {

  /**
   * Writes {@code results} to the build's row unless results are already there (the workflow's
   * partial results of a build that ended before or without its build step).
   */
  void recordPartial(String taskId, BuildResults results);
}
