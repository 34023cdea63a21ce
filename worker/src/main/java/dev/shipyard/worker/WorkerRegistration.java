package dev.shipyard.worker;

import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.WorkerRegistry.ActivityBinding;
import dev.shipyard.workflows.WorkerRegistry.WorkflowBinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@link WorkerRegistry} into the Temporal Spring Boot starter's worker properties ({@code
 * spring.temporal.workers[i].task-queue}, {@code .workflow-classes[j]}, {@code
 * .activity-beans[k]}): one worker per task queue. The worker app, the local platform and the tests
 * all register through here.
 */
public final class WorkerRegistration {

  private WorkerRegistration() {}

  /** The properties of the registry's workers. */
  public static Map<String, Object> properties() {
    return properties(List.of());
  }

  /** The properties of the registry's workers plus {@code extra} workflows (tests' own). */
  public static Map<String, Object> properties(List<WorkflowBinding> extra) {
    return properties(extra, "");
  }

  /**
   * The properties of the workers of the task queues named in {@code only} (comma-separated, as in
   * {@code WORKER_TASK_QUEUES}; empty or null: every queue), so a deployment can run, and scale, a
   * worker per queue (e.g. {@code shipyard-cpu} alone).
   */
  public static Map<String, Object> properties(List<WorkflowBinding> extra, String only) {
    List<WorkflowBinding> workflows = new ArrayList<>(WorkerRegistry.WORKFLOWS);
    workflows.addAll(extra);
    Set<String> queues = new LinkedHashSet<>(WorkerRegistry.taskQueues());
    extra.forEach(w -> queues.add(w.taskQueue()));
    if (only != null && !only.isBlank()) {
      Set<String> wanted = new LinkedHashSet<>();
      for (String q : only.split(",")) {
        if (!q.isBlank()) {
          wanted.add(q.trim());
        }
      }
      if (!queues.containsAll(wanted)) {
        wanted.removeAll(queues);
        throw new IllegalArgumentException(
            "WORKER_TASK_QUEUES names unknown task queues " + wanted + "; known: " + queues);
      }
      queues.retainAll(wanted);
    }
    Map<String, Object> props = new LinkedHashMap<>();
    int i = 0;
    for (String queue : queues) {
      String prefix = "spring.temporal.workers[" + i++ + "].";
      props.put(prefix + "task-queue", queue);
      int j = 0;
      for (WorkflowBinding w : workflows) {
        if (w.taskQueue().equals(queue)) {
          props.put(prefix + "workflow-classes[" + j++ + "]", w.implementation().getName());
        }
      }
      int k = 0;
      for (ActivityBinding a : WorkerRegistry.ACTIVITIES) {
        if (a.taskQueue().equals(queue)) {
          props.put(prefix + "activity-beans[" + k++ + "]", a.beanName());
        }
      }
    }
    return props;
  }
}
