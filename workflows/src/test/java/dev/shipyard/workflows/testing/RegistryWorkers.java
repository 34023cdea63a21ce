package dev.shipyard.workflows.testing;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.replay.ReplayCorpus;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mockito.Mockito;
import org.mockito.invocation.Invocation;

/**
 * The workers of the one registration ({@link WorkerRegistry}) on Temporal's test server: every
 * workflow implementation on its task queue, every activity interface a Mockito mock on its own.
 * Workflow harnesses build on it instead of each registering the workers again.
 */
public final class RegistryWorkers {

  private final Map<Class<?>, Object> mocks = new LinkedHashMap<>();
  private final Map<Class<?>, String> workflowQueues = new LinkedHashMap<>();

  /**
   * Registers the workers and starts the environment (the extension's, built with {@code
   * setDoNotStart(true)}).
   */
  public RegistryWorkers(TestWorkflowEnvironment env) {
    for (String queue : WorkerRegistry.taskQueues()) {
      Worker worker = env.newWorker(queue, ReplayCorpus.TEST_WORKER_OPTIONS);
      for (WorkerRegistry.WorkflowBinding w : WorkerRegistry.WORKFLOWS) {
        if (w.taskQueue().equals(queue)) {
          worker.registerWorkflowImplementationTypes(w.implementation());
          workflowQueues.put(w.implementation(), queue);
        }
      }
      for (WorkerRegistry.ActivityBinding a : WorkerRegistry.ACTIVITIES) {
        if (a.taskQueue().equals(queue)) {
          Object activity =
              mock(a.activityInterface(), withSettings().withoutAnnotations().name(a.beanName()));
          mocks.put(a.activityInterface(), activity);
          worker.registerActivitiesImplementations(activity);
        }
      }
    }
    env.start();
  }

  /** The test server with Shipyard's search attributes registered; not started. */
  public static TestWorkflowExtension extension() {
    TestWorkflowExtension.Builder builder = TestWorkflowExtension.newBuilder().setDoNotStart(true);
    ShipyardSearchAttributes.ALL.forEach(
        key ->
            builder.registerSearchAttribute(
                key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    return builder.build();
  }

  /** The mock of an activity interface. */
  public <T> T activities(Class<T> activityInterface) {
    Object mock = mocks.get(activityInterface);
    if (mock == null) {
      throw new IllegalArgumentException(activityInterface + " is not registered");
    }
    return activityInterface.cast(mock);
  }

  /** The task queue of a workflow implementation. */
  public String queueOf(Class<?> workflowImplementation) {
    String queue = workflowQueues.get(workflowImplementation);
    if (queue == null) {
      throw new IllegalArgumentException(workflowImplementation + " is not registered");
    }
    return queue;
  }

  /** Every call of an activity mock, in the order they were made. */
  public List<Invocation> invocations() {
    List<Invocation> all = new ArrayList<>();
    mocks.values().forEach(m -> all.addAll(Mockito.mockingDetails(m).getInvocations()));
    all.removeIf(i -> !mocks.containsKey(i.getMethod().getDeclaringClass()));
    all.sort(Comparator.comparingInt(Invocation::getSequenceNumber));
    return all;
  }
}
