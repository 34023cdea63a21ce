package dev.shipyard.worker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Shipyard worker: polls the task queues of {@code WorkerRegistry} (one Temporal worker per
 * queue, see {@link WorkerRegistration}), runs workflows and activities, and serves only health and
 * Prometheus metrics over HTTP. Configuration lives in {@code worker.yml} (not application.yml, so
 * the api and the worker can share one classpath).
 */
@SpringBootApplication(
    exclude = R2dbcAutoConfiguration.class,
    // In the local platform the worker shares the API's classpath: keep the API's security and
    // mail auto-configuration out of the worker, which serves only health and metrics.
    excludeName = {
      "org.springframework.boot.autoconfigure.security.reactive.ReactiveSecurityAutoConfiguration",
      "org.springframework.boot.autoconfigure.security.reactive.ReactiveUserDetailsServiceAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.security.reactive.ReactiveManagementWebSecurityAutoConfiguration",
      "org.springframework.boot.autoconfigure.mail.MailSenderAutoConfiguration"
    })
@ConfigurationPropertiesScan
public class WorkerApplication {

  /** The Spring config name of the worker: {@code worker.yml}. */
  public static final String CONFIG_NAME = "worker";

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(WorkerApplication.class);
    Map<String, Object> defaults =
        new LinkedHashMap<>(
            WorkerRegistration.properties(List.of(), System.getenv("WORKER_TASK_QUEUES")));
    defaults.put("spring.config.name", CONFIG_NAME);
    app.setDefaultProperties(defaults);
    app.run(args);
  }
}
