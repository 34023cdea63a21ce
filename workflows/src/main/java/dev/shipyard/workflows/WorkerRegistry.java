package dev.shipyard.workflows;

import dev.shipyard.workflows.analysis.AnalysisActivities;
import dev.shipyard.workflows.analysis.AnalysisWorkflowImpl;
import dev.shipyard.workflows.builds.BuildProjectActivities;
import dev.shipyard.workflows.builds.BuildRecordActivities;
import dev.shipyard.workflows.builds.BuildStepActivities;
import dev.shipyard.workflows.builds.BuildWorkflowImpl;
import dev.shipyard.workflows.capsules.CapsuleEngineActivities;
import dev.shipyard.workflows.capsules.CapsuleEventActivities;
import dev.shipyard.workflows.capsules.CapsuleGenerationWorkflowImpl;
import dev.shipyard.workflows.capsules.CapsuleStorageActivities;
import dev.shipyard.workflows.capsules.CapsuleValidationActivities;
import dev.shipyard.workflows.capsules.batch.CapsuleBatchExportActivities;
import dev.shipyard.workflows.capsules.batch.CapsuleBatchExportWorkflowImpl;
import dev.shipyard.workflows.capsules.batch.CapsuleBatchRecordActivities;
import dev.shipyard.workflows.charts.HelmChartValidationActivities;
import dev.shipyard.workflows.charts.HelmChartValidationWorkflowImpl;
import dev.shipyard.workflows.delivery.DeliveryDestinationActivities;
import dev.shipyard.workflows.delivery.DeliveryRecordActivities;
import dev.shipyard.workflows.delivery.DeliveryWorkflowImpl;
import dev.shipyard.workflows.deployments.DeploymentClusterActivities;
import dev.shipyard.workflows.deployments.DeploymentEventActivities;
import dev.shipyard.workflows.deployments.DeploymentRecordActivities;
import dev.shipyard.workflows.deployments.DeploymentRolloutActivities;
import dev.shipyard.workflows.deployments.DeploymentWorkflowImpl;
import dev.shipyard.workflows.images.ImageBuildActivities;
import dev.shipyard.workflows.images.ImageBuildWorkflowImpl;
import dev.shipyard.workflows.images.ImageRecordActivities;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.tasks.TaskEventActivities;
import dev.shipyard.workflows.webhooks.WebhookDeliveryWorkflowImpl;
import dev.shipyard.workflows.webhooks.WebhookSendActivities;
import io.temporal.activity.ActivityOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one registration of Shipyard: which workflow implementations and which activity interfaces
 * run on which task queue, and each activity's timeout profile. The worker builds its Temporal
 * workers from it, the local platform and the tests read it, and workflows take their activity
 * options (task queue and profile) from it. A new feature adds its lines here.
 */
public final class WorkerRegistry {

  /** A workflow implementation and the task queue whose worker runs it. */
  public record WorkflowBinding(Class<?> implementation, String taskQueue) {}

  /**
   * An activity interface, the task queue whose worker runs it and its timeout profile. The worker
   * serves it with the Spring bean named {@link #beanName()}.
   */
  public record ActivityBinding(
      Class<?> activityInterface, String taskQueue, ActivityProfile profile) {

    /**
     * The interface's simple name with a lower-case first letter, e.g. {@code
     * projectionActivities}.
     */
    public String beanName() {
      String name = activityInterface.getSimpleName();
      return name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1);
    }
  }

  public static final List<WorkflowBinding> WORKFLOWS =
      List.of(
          new WorkflowBinding(CapsuleGenerationWorkflowImpl.class, TaskQueues.CAPSULES),
          new WorkflowBinding(BuildWorkflowImpl.class, TaskQueues.BUILDS),
          new WorkflowBinding(AnalysisWorkflowImpl.class, TaskQueues.PLATFORM),
          new WorkflowBinding(DeploymentWorkflowImpl.class, TaskQueues.DEPLOYMENTS),
          new WorkflowBinding(CapsuleBatchExportWorkflowImpl.class, TaskQueues.PLATFORM),
          new WorkflowBinding(DeliveryWorkflowImpl.class, TaskQueues.PLATFORM),
          new WorkflowBinding(ImageBuildWorkflowImpl.class, TaskQueues.BUILDS),
          new WorkflowBinding(WebhookDeliveryWorkflowImpl.class, TaskQueues.PLATFORM),
          new WorkflowBinding(HelmChartValidationWorkflowImpl.class, TaskQueues.PLATFORM));

  public static final List<ActivityBinding> ACTIVITIES =
      List.of(
          new ActivityBinding(
              ProjectionActivities.class, TaskQueues.PLATFORM, ActivityProfile.BOOKKEEPING),
          new ActivityBinding(
              CapsuleEngineActivities.class, TaskQueues.CAPSULES, ActivityProfile.LONG_STEP),
          new ActivityBinding(
              CapsuleValidationActivities.class, TaskQueues.CPU, ActivityProfile.LONG_STEP),
          new ActivityBinding(
              CapsuleStorageActivities.class, TaskQueues.PLATFORM, ActivityProfile.LONG_STEP),
          new ActivityBinding(
              CapsuleEventActivities.class, TaskQueues.PLATFORM, ActivityProfile.DELIVERY),
          new ActivityBinding(
              TaskEventActivities.class, TaskQueues.PLATFORM, ActivityProfile.BOOKKEEPING),
          new ActivityBinding(
              BuildProjectActivities.class, TaskQueues.CAPSULES, ActivityProfile.LONG_STEP),
          new ActivityBinding(
              BuildStepActivities.class, TaskQueues.CPU, ActivityProfile.SANDBOXED_STEP),
          new ActivityBinding(
              BuildRecordActivities.class, TaskQueues.PLATFORM, ActivityProfile.BOOKKEEPING),
          new ActivityBinding(AnalysisActivities.class, TaskQueues.CPU, ActivityProfile.LONG_STEP),
          new ActivityBinding(
              DeploymentClusterActivities.class,
              TaskQueues.DEPLOYMENTS,
              ActivityProfile.CLUSTER_CALL),
          new ActivityBinding(
              DeploymentRolloutActivities.class,
              TaskQueues.DEPLOYMENTS,
              ActivityProfile.ROLLOUT_WATCH),
          new ActivityBinding(
              DeploymentRecordActivities.class, TaskQueues.PLATFORM, ActivityProfile.BOOKKEEPING),
          new ActivityBinding(
              DeploymentEventActivities.class, TaskQueues.PLATFORM, ActivityProfile.DELIVERY),
          new ActivityBinding(
              CapsuleBatchExportActivities.class, TaskQueues.PLATFORM, ActivityProfile.LONG_STEP),
          new ActivityBinding(
              CapsuleBatchRecordActivities.class, TaskQueues.PLATFORM, ActivityProfile.BOOKKEEPING),
          new ActivityBinding(
              DeliveryDestinationActivities.class,
              TaskQueues.PLATFORM,
              ActivityProfile.DESTINATION),
          new ActivityBinding(
              DeliveryRecordActivities.class, TaskQueues.PLATFORM, ActivityProfile.BOOKKEEPING),
          new ActivityBinding(
              ImageBuildActivities.class, TaskQueues.CPU, ActivityProfile.LONG_STEP),
          new ActivityBinding(
              ImageRecordActivities.class, TaskQueues.PLATFORM, ActivityProfile.BOOKKEEPING),
          new ActivityBinding(
              WebhookSendActivities.class, TaskQueues.PLATFORM, ActivityProfile.WEBHOOK_ATTEMPT),
          new ActivityBinding(
              HelmChartValidationActivities.class, TaskQueues.CPU, ActivityProfile.LONG_STEP));

  private WorkerRegistry() {}

  /** Every task queue with something registered, in a stable order. */
  public static List<String> taskQueues() {
    Set<String> queues = new LinkedHashSet<>();
    WORKFLOWS.forEach(w -> queues.add(w.taskQueue()));
    ACTIVITIES.forEach(a -> queues.add(a.taskQueue()));
    return new ArrayList<>(queues);
  }

  /** The task queue of a workflow implementation; fails for an unregistered one. */
  public static String workflowQueue(Class<?> implementation) {
    return WORKFLOWS.stream()
        .filter(w -> w.implementation() == implementation)
        .map(WorkflowBinding::taskQueue)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    implementation.getName() + " is not registered in WorkerRegistry"));
  }

  /** The binding of an activity interface; fails for an unregistered one. */
  public static ActivityBinding activity(Class<?> activityInterface) {
    return ACTIVITIES.stream()
        .filter(a -> a.activityInterface() == activityInterface)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    activityInterface.getName() + " is not registered in WorkerRegistry"));
  }

  /** The options of an activity stub: the registered task queue and timeout profile. */
  public static ActivityOptions options(Class<?> activityInterface) {
    ActivityBinding binding = activity(activityInterface);
    return ActivityOptions.newBuilder(binding.profile().options())
        .setTaskQueue(binding.taskQueue())
        .build();
  }
}
