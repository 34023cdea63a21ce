package dev.shipyard.workflows.tasks;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * How a build or analysis workflow records the events of its own transitions (started, completed,
 * failed, cancelled); steps report their progress from inside their activity through the same
 * writer. Idempotent for final events: once a task has its completion or error event, nothing more
 * is added, so a retried append cannot end a stream twice.
 */
@ActivityInterface(namePrefix = "TaskEvents")
public interface TaskEventActivities {

  /** Appends {@code event}; returns its {@code seq}, or 0 when it was not added. */
  @ActivityMethod
  long append(TaskEvent event);
}
