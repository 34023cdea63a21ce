package dev.shipyard.worker;

import dev.shipyard.workflows.TaskQueues;
import io.temporal.spring.boot.WorkerOptionsCustomizer;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Worker options applied to every task queue's worker, from {@code shipyard.worker.*}: the CPU
 * queue has its own activity limit.
 */
@Configuration(proxyBeanMethods = false)
class WorkerTuning {

  private static final Logger log = LoggerFactory.getLogger(WorkerTuning.class);

  /**
   * The longest the SDK waits between two heartbeats of a CPU-queue activity (builds, analyses).
   * Without it the SDK sends one per 0.8 x the heartbeat timeout (8 s for {@code SANDBOXED_STEP}),
   * and a cancel is learnt only from a heartbeat's answer: this keeps DELETE → process gone under 2
   * s while the 2 s heartbeat timeout still tolerates a stalled worker.
   */
  static final Duration CPU_HEARTBEAT_INTERVAL = Duration.ofMillis(400);

  /**
   * @param maxConcurrentActivities activity executions at once, per task queue (except the CPU
   *     queue)
   * @param cpuMaxConcurrentActivities activity executions at once on the CPU queue ({@link
   *     TaskQueues#CPU}); 0 or less means the number of cores
   * @param maxConcurrentWorkflowTasks workflow tasks at once, per task queue
   * @param stickyQueueScheduleToStartTimeout set to 0s against Temporal's Java test server, which
   *     never times out sticky queues: otherwise a restarted worker strands its workflows
   */
  @ConfigurationProperties("shipyard.worker")
  record Settings(
      int maxConcurrentActivities,
      int cpuMaxConcurrentActivities,
      int maxConcurrentWorkflowTasks,
      Duration stickyQueueScheduleToStartTimeout) {

    /** The activity limit of a task queue's worker. */
    int activitiesOn(String taskQueue) {
      if (!TaskQueues.CPU.equals(taskQueue)) {
        return maxConcurrentActivities;
      }
      return cpuMaxConcurrentActivities > 0
          ? cpuMaxConcurrentActivities
          : Runtime.getRuntime().availableProcessors();
    }
  }

  @Bean
  WorkerOptionsCustomizer shipyardWorkerOptions(Settings settings) {
    return (WorkerOptions.Builder builder, String workerName, String taskQueue) -> {
      int activities = settings.activitiesOn(taskQueue);
      builder
          .setMaxConcurrentActivityExecutionSize(activities)
          .setMaxConcurrentWorkflowTaskExecutionSize(settings.maxConcurrentWorkflowTasks());
      if (TaskQueues.CPU.equals(taskQueue)) {
        builder.setMaxHeartbeatThrottleInterval(CPU_HEARTBEAT_INTERVAL);
      }
      if (settings.stickyQueueScheduleToStartTimeout() != null) {
        builder.setStickyQueueScheduleToStartTimeout(settings.stickyQueueScheduleToStartTimeout());
      }
      log.info(
          "Worker for task queue {}: {} activities, {} workflow tasks at once",
          taskQueue,
          activities,
          settings.maxConcurrentWorkflowTasks());
      return builder;
    };
  }
}
