package dev.shipyard.activities.sandbox;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Loggable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes mode: each command runs as a Kubernetes Job (fabric8) in {@link Settings#namespace()},
 * one pod, no retries ({@code backoffLimit: 0}), with the command's limits as the container's
 * resource limits (memory; CPU cores from the settings) and its wall time as {@code
 * activeDeadlineSeconds}.
 *
 * <p><b>The workspace</b> is handed over through a shared volume: the worker keeps its workspaces
 * under {@link Settings#workspaceRoot()}, which is a ReadWriteMany PersistentVolumeClaim ({@link
 * Settings#workspaceClaim()}) mounted there in the worker pod as well; the Job mounts the same
 * claim with the workspace's sub-path at the same absolute path, so paths in commands and reports
 * are the same on both sides. Nothing else of the worker is visible to the Job: its own {@code
 * /tmp} (emptyDir), no service account token, a read-only root file system, no privilege
 * escalation, every capability dropped, not root.
 *
 * <p><b>Network</b>: the pod carries the label {@code shipyard.dev/network} = {@code none} or
 * {@code registry}; a NetworkPolicy of the cluster must deny egress to {@code none} pods (the
 * sandbox cannot enforce it by itself). <b>CPU time</b> has no Kubernetes limit: a Job gets CPU
 * cores ({@link Settings#cpuLimit()}) for at most its wall time.
 *
 * <p>The sandbox polls the Job about once a second, calling the {@link Ticker} each time; when the
 * Job ends it reads the pod's log into the command's log file (cut at the output limit) and deletes
 * the Job (background propagation, its pod with it). When the ticker throws, the Job is deleted
 * with foreground propagation and the sandbox waits until its pods are gone.
 */
public final class KubernetesJobSandbox implements Sandbox {

  private static final Logger log = LoggerFactory.getLogger(KubernetesJobSandbox.class);

  static final String RUN_LABEL = "shipyard.dev/sandbox-run";
  static final String NETWORK_LABEL = "shipyard.dev/network";

  /**
   * Where and how Jobs run.
   *
   * @param namespace the namespace of the Jobs ({@code BUILD_NAMESPACE})
   * @param images the image per stack ({@code java-maven}, {@code node}, {@code python}) and {@code
   *     default} ({@code BUILD_IMAGE_<STACK>})
   * @param workspaceClaim the ReadWriteMany PVC holding the workspaces
   * @param workspaceRoot where that claim is mounted in the worker (and in the Jobs)
   * @param cpuLimit CPU cores of a Job, e.g. {@code 2} or {@code 500m}
   * @param pollInterval how often the Job is looked at (and the ticker called)
   * @param sharedPaths directories on the same claim mounted read-write into every Job at their
   *     path (the shared Maven repository); each must be under {@code workspaceRoot}
   */
  public record Settings(
      String namespace,
      Map<String, String> images,
      String workspaceClaim,
      Path workspaceRoot,
      String cpuLimit,
      Duration pollInterval,
      List<Path> sharedPaths) {

    public Settings {
      sharedPaths = List.copyOf(sharedPaths);
      for (Path shared : sharedPaths) {
        if (!shared
            .toAbsolutePath()
            .normalize()
            .startsWith(workspaceRoot.toAbsolutePath().normalize())) {
          throw new IllegalArgumentException(
              shared + " is not on the shared workspace volume " + workspaceRoot);
        }
      }
      Objects.requireNonNull(namespace, "namespace");
      images = Map.copyOf(images);
      Objects.requireNonNull(workspaceClaim, "workspaceClaim");
      Objects.requireNonNull(workspaceRoot, "workspaceRoot");
      Objects.requireNonNull(cpuLimit, "cpuLimit");
      Objects.requireNonNull(pollInterval, "pollInterval");
    }
  }

  private final KubernetesClient client;
  private final Settings settings;

  public KubernetesJobSandbox(KubernetesClient client, Settings settings) {
    this.client = client;
    this.settings = settings;
  }

  @Override
  public String name() {
    return "kubernetes-job";
  }

  /** The stack whose image runs {@code program}: by the tool's name. */
  static String stackOf(String program) {
    String name = Path.of(program).getFileName().toString();
    if (name.equals("mvn") || name.equals("mvnw") || name.startsWith("java")) {
      return "java-maven";
    }
    if (name.equals("npm") || name.equals("node") || name.equals("npx")) {
      return "node";
    }
    if (name.startsWith("python") || name.startsWith("pip") || name.equals("pytest")) {
      return "python";
    }
    return "default";
  }

  String imageFor(String program) {
    String image = settings.images().get(stackOf(program));
    if (image == null || image.isBlank()) {
      image = settings.images().get("default");
    }
    if (image == null || image.isBlank()) {
      throw new IllegalStateException("No build image configured for " + stackOf(program));
    }
    return image;
  }

  @Override
  public SandboxResult run(SandboxCommand command, Ticker ticker) {
    long started = System.nanoTime();
    Path workspace = command.workspace().toAbsolutePath().normalize();
    Path root = settings.workspaceRoot().toAbsolutePath().normalize();
    if (!workspace.startsWith(root) || workspace.equals(root)) {
      throw new IllegalArgumentException(
          "The workspace " + workspace + " is not under the shared workspace root " + root);
    }
    String runId = UUID.randomUUID().toString();
    String jobName = "shipyard-build-" + runId.substring(0, 18);
    Job job = job(command, jobName, runId, root.relativize(workspace).toString(), workspace);
    client.batch().v1().jobs().inNamespace(settings.namespace()).resource(job).create();
    log.info("Started Job {}/{} for {}", settings.namespace(), jobName, command.argv().get(0));

    long deadline =
        started + command.limits().wallTime().toNanos() + Duration.ofMinutes(1).toNanos();
    try {
      while (true) {
        Job current =
            client.batch().v1().jobs().inNamespace(settings.namespace()).withName(jobName).get();
        if (current == null) {
          throw new IllegalStateException("The Job " + jobName + " disappeared");
        }
        Ending ending = ending(current, runId);
        if (ending != null) {
          long bytes = readLog(runId, command);
          delete(jobName, runId, "Background", false);
          if (ending.outcome() == SandboxResult.Outcome.TIMED_OUT) {
            appendLine(
                command.log(),
                "[sandbox] active deadline of " + command.limits().wallTime() + " reached");
          }
          return new SandboxResult(
              ending.outcome(),
              ending.exitCode(),
              command.log(),
              bytes,
              Duration.ofNanos(System.nanoTime() - started));
        }
        if (System.nanoTime() > deadline) {
          long bytes = readLog(runId, command);
          delete(jobName, runId, "Foreground", true);
          appendLine(command.log(), "[sandbox] the Job did not end in time and was deleted");
          return new SandboxResult(
              SandboxResult.Outcome.TIMED_OUT,
              -1,
              command.log(),
              bytes,
              Duration.ofNanos(System.nanoTime() - started));
        }
        ticker.tick("Job " + jobName + " running");
        Thread.sleep(settings.pollInterval().toMillis());
      }
    } catch (InterruptedException e) {
      delete(jobName, runId, "Foreground", true);
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CancellationException("Interrupted: the Job was deleted");
    } catch (RuntimeException | Error stop) {
      delete(jobName, runId, "Foreground", true);
      appendLine(
          command.log(),
          "[sandbox] stopped (" + stop.getClass().getSimpleName() + "): the Job was deleted");
      throw stop;
    }
  }

  private Job job(
      SandboxCommand command, String jobName, String runId, String subPath, Path workspace) {
    List<EnvVar> environment = new ArrayList<>();
    command.environment().forEach((name, value) -> environment.add(new EnvVar(name, value, null)));
    long wallSeconds = Math.max(1, command.limits().wallTime().toSeconds());
    Quantity memory = new Quantity(String.valueOf(command.limits().memoryBytes()));
    return new JobBuilder()
        .withNewMetadata()
        .withName(jobName)
        .withNamespace(settings.namespace())
        .addToLabels("app.kubernetes.io/managed-by", "shipyard")
        .addToLabels(RUN_LABEL, runId)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(wallSeconds)
        .withTtlSecondsAfterFinished(600)
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels(RUN_LABEL, runId)
        .addToLabels(NETWORK_LABEL, command.network() ? "registry" : "none")
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(10001L)
        .withRunAsGroup(10001L)
        .withFsGroup(10001L)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("step")
        .withImage(imageFor(command.argv().get(0)))
        .withCommand(command.argv())
        .withWorkingDir(workspace.toString())
        .withEnv(environment)
        .withNewResources()
        .addToLimits("memory", memory)
        .addToLimits("cpu", new Quantity(settings.cpuLimit()))
        .addToRequests("memory", new Quantity(String.valueOf(command.limits().memoryBytes() / 4)))
        .addToRequests("cpu", new Quantity("250m"))
        .endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("workspace")
        .withMountPath(workspace.toString())
        .withSubPath(subPath)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .addAllToVolumeMounts(sharedMounts())
        .endContainer()
        .addNewVolume()
        .withName("workspace")
        .withNewPersistentVolumeClaim()
        .withClaimName(settings.workspaceClaim())
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private List<io.fabric8.kubernetes.api.model.VolumeMount> sharedMounts() {
    Path root = settings.workspaceRoot().toAbsolutePath().normalize();
    List<io.fabric8.kubernetes.api.model.VolumeMount> mounts = new ArrayList<>();
    for (Path shared : settings.sharedPaths()) {
      Path path = shared.toAbsolutePath().normalize();
      mounts.add(
          new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
              .withName("workspace")
              .withMountPath(path.toString())
              .withSubPath(root.relativize(path).toString())
              .build());
    }
    return mounts;
  }

  private record Ending(SandboxResult.Outcome outcome, int exitCode) {}

  /** How the Job ended, or null while it runs. */
  private Ending ending(Job job, String runId) {
    JobStatus status = job.getStatus();
    if (status == null) {
      return null;
    }
    boolean succeeded = status.getSucceeded() != null && status.getSucceeded() > 0;
    boolean failed = status.getFailed() != null && status.getFailed() > 0;
    boolean deadline =
        status.getConditions() != null
            && status.getConditions().stream()
                .anyMatch(
                    c -> "True".equals(c.getStatus()) && "DeadlineExceeded".equals(c.getReason()));
    if (deadline) {
      return new Ending(SandboxResult.Outcome.TIMED_OUT, -1);
    }
    if (!succeeded && !failed) {
      return null;
    }
    ContainerStateTerminated terminated = terminated(runId);
    if (succeeded) {
      return new Ending(SandboxResult.Outcome.EXITED, 0);
    }
    if (terminated == null) {
      return new Ending(SandboxResult.Outcome.EXITED, -1);
    }
    String reason = Objects.toString(terminated.getReason(), "").toLowerCase(Locale.ROOT);
    String message = Objects.toString(terminated.getMessage(), "").toLowerCase(Locale.ROOT);
    if (terminated.getExitCode() == 127
        || reason.contains("startError".toLowerCase(Locale.ROOT))
        || reason.contains("containercannotrun")
        || message.contains("executable file not found")
        || message.contains("no such file or directory")) {
      return new Ending(SandboxResult.Outcome.NOT_FOUND, -1);
    }
    return new Ending(SandboxResult.Outcome.EXITED, terminated.getExitCode());
  }

  private ContainerStateTerminated terminated(String runId) {
    for (Pod pod : pods(runId)) {
      if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
        continue;
      }
      for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
        if (status.getState() != null && status.getState().getTerminated() != null) {
          return status.getState().getTerminated();
        }
      }
    }
    return null;
  }

  private List<Pod> pods(String runId) {
    return client
        .pods()
        .inNamespace(settings.namespace())
        .withLabel(RUN_LABEL, runId)
        .list()
        .getItems();
  }

  /** Appends the pod's log to the command's log, cut at the output limit; the bytes it had. */
  private long readLog(String runId, SandboxCommand command) {
    long total = 0;
    long limit = command.limits().outputBytes();
    try (OutputStream out =
        Files.newOutputStream(
            command.log(), StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (Pod pod : pods(runId)) {
        Loggable loggable =
            client.pods().inNamespace(settings.namespace()).withName(pod.getMetadata().getName());
        try (InputStream in = loggable.getLogInputStream()) {
          if (in == null) {
            continue;
          }
          byte[] buffer = new byte[8192];
          int read;
          boolean newline = true;
          while ((read = in.read(buffer)) >= 0) {
            if (total < limit) {
              int kept = (int) Math.min(read, limit - total);
              out.write(buffer, 0, kept);
              newline = kept > 0 ? buffer[kept - 1] == '\n' : newline;
            }
            total += read;
          }
          if (!newline) {
            out.write('\n');
          }
        } catch (KubernetesClientException e) {
          out.write(
              ("[sandbox] the pod's log could not be read: " + e.getMessage() + "\n")
                  .getBytes(StandardCharsets.UTF_8));
        }
      }
      if (total > limit) {
        out.write(
            ("[sandbox] output cut at " + limit + " of " + total + " bytes\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the log " + command.log(), e);
    }
    return total;
  }

  /** Deletes the Job; with {@code wait}, until its pods are gone (at most 30 s). */
  private void delete(String jobName, String runId, String propagation, boolean wait) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(settings.namespace())
          .withName(jobName)
          .withPropagationPolicy(
              io.fabric8.kubernetes.api.model.DeletionPropagation.valueOf(
                  propagation.toUpperCase(Locale.ROOT)))
          .delete();
    } catch (KubernetesClientException e) {
      log.warn("Could not delete the Job {}: {}", jobName, e.getMessage());
      return;
    }
    if (!wait) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      boolean jobGone =
          client.batch().v1().jobs().inNamespace(settings.namespace()).withName(jobName).get()
              == null;
      boolean podsGone = pods(runId).isEmpty();
      if (jobGone && podsGone) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    log.warn("The Job {} or its pods still exist 30 s after deletion", jobName);
  }

  private static void appendLine(Path file, String line) {
    try {
      Files.writeString(
          file,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the log " + file, e);
    }
  }
}
