package dev.shipyard.worker;

import io.temporal.spring.boot.WorkerOptionsCustomizer;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Worker options applied to every task queue's worker, from {@code shipyard.worker.*}. */
@Configuration(proxyBeanMethods = false)
class WorkerTuning {

  private static final Logger log = LoggerFactory.getLogger(WorkerTuning.class);

  /**
   * @param maxConcurrentActivities activity executions at once, per task queue
   * @param maxConcurrentWorkflowTasks workflow tasks at once, per task queue
   * @param stickyQueueScheduleToStartTimeout set to 0s against Temporal's Java test server, which
   *     never times out sticky queues: otherwise a restarted worker strands its workflows
   */
  @ConfigurationProperties("shipyard.worker")
  record Settings(
      int maxConcurrentActivities,
      int maxConcurrentWorkflowTasks,
      Duration stickyQueueScheduleToStartTimeout) {}

  @Bean
  WorkerOptionsCustomizer shipyardWorkerOptions(Settings settings) {
    return (WorkerOptions.Builder builder, String workerName, String taskQueue) -> {
      builder
          .setMaxConcurrentActivityExecutionSize(settings.maxConcurrentActivities())
          .setMaxConcurrentWorkflowTaskExecutionSize(settings.maxConcurrentWorkflowTasks());
      if (settings.stickyQueueScheduleToStartTimeout() != null) {
        builder.setStickyQueueScheduleToStartTimeout(settings.stickyQueueScheduleToStartTimeout());
      }
      log.info(
          "Worker for task queue {}: {} activities, {} workflow tasks at once",
          taskQueue,
          settings.maxConcurrentActivities(),
          settings.maxConcurrentWorkflowTasks());
      return builder;
    };
  }
}
