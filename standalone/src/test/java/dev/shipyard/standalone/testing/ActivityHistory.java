package dev.shipyard.standalone.testing;

import io.temporal.api.history.v1.HistoryEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The activities of a workflow history, keyed by the ID of their scheduled event: what the
 * worker-killed tests assert (each activity completed once, the step that died with its worker
 * completed on a later attempt).
 *
 * @param scheduled activity type by scheduled event ID
 * @param attempts the last started attempt by scheduled event ID
 * @param completions how many times each scheduled activity completed
 */
public record ActivityHistory(
    Map<Long, String> scheduled, Map<Long, Integer> attempts, Map<Long, Integer> completions) {

  public static ActivityHistory of(List<HistoryEvent> history) {
    Map<Long, String> scheduled = new HashMap<>();
    Map<Long, Integer> attempts = new HashMap<>();
    Map<Long, Integer> completions = new HashMap<>();
    for (HistoryEvent e : history) {
      switch (e.getEventType()) {
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED ->
            scheduled.put(
                e.getEventId(),
                e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
        case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
            attempts.put(
                e.getActivityTaskStartedEventAttributes().getScheduledEventId(),
                e.getActivityTaskStartedEventAttributes().getAttempt());
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
            completions.merge(
                e.getActivityTaskCompletedEventAttributes().getScheduledEventId(), 1, Integer::sum);
        default -> {}
      }
    }
    return new ActivityHistory(scheduled, attempts, completions);
  }

  /** The scheduled event IDs of the activities of this type. */
  public List<Long> scheduledAs(String activityType) {
    return scheduled.entrySet().stream()
        .filter(e -> e.getValue().equals(activityType))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }
}
