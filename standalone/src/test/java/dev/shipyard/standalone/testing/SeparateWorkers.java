package dev.shipyard.standalone.testing;

import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.worker.WorkerApplication;
import dev.shipyard.worker.WorkerRegistration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.env.Environment;

/**
 * Worker JVMs outside the test's own, for the "worker killed with {@code kill -9}" tests (builds,
 * deployments): a platform started with {@link #queuesElsewhere} keeps its in-process worker off
 * the given task queues, and {@link #start} runs {@link WorkerApplication} (the worker image's
 * main) in a SEPARATE JVM with this test's class path and the platform's Temporal, PostgreSQL, S3,
 * secrets, webhook and simulated-cluster settings, serving only those queues. A SEPARATE JVM
 * because only a process can be killed with SIGKILL ({@link Process#destroyForcibly()}) the way a
 * crashed worker dies: no shutdown hook, no graceful stop of its pollers or activities.
 */
public final class SeparateWorkers implements AutoCloseable {

  /** The platform settings a worker JVM is given (absent ones as empty). */
  private static final List<String> SETTINGS =
      List.of(
          "TEMPORAL_ADDRESS",
          "TEMPORAL_NAMESPACE",
          "DATABASE_URL",
          "DATABASE_USERNAME",
          "DATABASE_PASSWORD",
          "S3_ENDPOINT",
          "S3_BUCKET",
          "S3_ACCESS_KEY",
          "S3_SECRET_KEY",
          "S3_PATH_STYLE",
          "S3_REGION",
          "SECRETS_KEYS",
          "OUTBOUND_ALLOWED",
          "WEBHOOK_SIGNING_SECRET",
          "SHIPYARD_SIMULATED_CLUSTER_URL");

  private final LocalPlatform platform;
  private final List<Process> processes = new ArrayList<>();

  public SeparateWorkers(LocalPlatform platform) {
    this.platform = platform;
  }

  /**
   * Worker properties (for {@link LocalPlatformExtension#startIsolated}) that move every in-process
   * worker polling one of {@code queues} to a queue nobody polls, so only a separate JVM serves
   * them. Each queue must be polled by at least one registered worker.
   */
  public static Map<String, Object> queuesElsewhere(Set<String> queues) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    WorkerRegistration.properties()
        .forEach(
            (key, value) -> {
              if (key.endsWith(".task-queue") && queues.contains(String.valueOf(value))) {
                overrides.put(key, "not-polled-here-" + value);
              }
            });
    if (!overrides.values().stream()
        .map(v -> ((String) v).substring("not-polled-here-".length()))
        .toList()
        .containsAll(queues)) {
      throw new IllegalArgumentException("no registered worker polls one of " + queues);
    }
    return overrides;
  }

  /**
   * A worker JVM serving {@code queues}, configured as the platform's, its output to {@code log}.
   */
  public Process start(Path log, Set<String> queues) throws Exception {
    Environment env = platform.workerContext().getEnvironment();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx384m",
            "-cp",
            System.getProperty("java.class.path"),
            WorkerApplication.class.getName());
    Map<String, String> e = pb.environment();
    for (String name : SETTINGS) {
      e.put(name, Optional.ofNullable(env.getProperty(name)).orElse(""));
    }
    e.put("WORKER_TASK_QUEUES", String.join(",", queues));
    e.put("WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT", "0s"); // as the platform's (test server)
    e.put("PORT", "0");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Kills every worker JVM still running. */
  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
  }
}
