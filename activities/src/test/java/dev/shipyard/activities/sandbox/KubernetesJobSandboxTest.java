package dev.shipyard.activities.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes mode against fabric8's mock API server in CRUD mode (the ecosystem's standard
 * fake: no kubelet runs anything). The test plays the Job controller: it finds the Job the sandbox
 * created, checks its spec, adds the pod with its exit, the log and the Job's status, and deletes
 * the pods of a deleted Job as the garbage collector would.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesJobSandboxTest {

  private static final String NAMESPACE = "builds";

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path root;
  @TempDir Path logs;

  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private KubernetesJobSandbox sandbox() {
    return new KubernetesJobSandbox(
        client,
        new KubernetesJobSandbox.Settings(
            NAMESPACE,
            Map.of("python", "python:3.12-slim", "default", "debian:12-slim"),
            "shipyard-workspaces",
            root,
            "2",
            Duration.ofMillis(50),
            List.of(root.resolve(".maven-repository"))));
  }

  private SandboxCommand command(Path workspace, boolean network) {
    return new SandboxCommand(
        List.of("python3", "-m", "pytest", "-v"),
        workspace,
        Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", workspace + "/.home"),
        network,
        new SandboxCommand.Limits(
            Duration.ofSeconds(600), Duration.ofSeconds(900), 2L << 30, 1 << 20),
        logs.resolve("step.log"));
  }

  private static <T> T await(Supplier<T> probe) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not reached within 20 s");
  }

  private Job createdJob() throws InterruptedException {
    return await(
        () ->
            client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems().stream()
                .findFirst()
                .orElse(null));
  }

  /** The pod the Job controller would have made, ended with {@code exitCode}. */
  private Pod finishedPod(Job job, int exitCode) {
    String runId = job.getMetadata().getLabels().get(KubernetesJobSandbox.RUN_LABEL);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(job.getMetadata().getName() + "-abcde")
            .withNamespace(NAMESPACE)
            .addToLabels(KubernetesJobSandbox.RUN_LABEL, runId)
            .addToLabels("job-name", job.getMetadata().getName())
            .endMetadata()
            .withNewStatus()
            .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
            .addNewContainerStatus()
            .withName("step")
            .withNewState()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withReason(exitCode == 0 ? "Completed" : "Error")
            .endTerminated()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    return client.pods().inNamespace(NAMESPACE).resource(pod).create();
  }

  private void expectLog(Pod pod, String text) {
    String path = "/api/v1/namespaces/" + NAMESPACE + "/pods/" + pod.getMetadata().getName();
    server.expect().get().withPath(path + "/log?pretty=false").andReturn(200, text).always();
    server.expect().get().withPath(path + "/log").andReturn(200, text).always();
  }

  private void finish(Job job, boolean succeeded) {
    job.setStatus(
        succeeded
            ? new JobStatusBuilder().withSucceeded(1).build()
            : new JobStatusBuilder().withFailed(1).build());
    client.batch().v1().jobs().inNamespace(NAMESPACE).resource(job).updateStatus();
  }

  @Test
  void runsTheCommandAsAJobWithItsLimitsAndReadsItsLogBack() throws Exception {
    Path workspace = Files.createDirectories(root.resolve("build-1/project"));
    Future<SandboxResult> running =
        executor.submit(() -> sandbox().run(command(workspace, false), Ticker.NONE));

    Job job = createdJob();
    var pod = job.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("python:3.12-slim");
    assertThat(container.getCommand()).containsExactly("python3", "-m", "pytest", "-v");
    assertThat(container.getWorkingDir()).isEqualTo(workspace.toString());
    assertThat(container.getResources().getLimits())
        .containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("2147483648"))
        .containsEntry("cpu", new io.fabric8.kubernetes.api.model.Quantity("2"));
    assertThat(container.getEnv())
        .anyMatch(
            e -> e.getName().equals("PATH") && e.getValue().equals("/usr/local/bin:/usr/bin:/bin"));
    assertThat(container.getVolumeMounts())
        .anyMatch(
            m ->
                m.getMountPath().equals(workspace.toString())
                    && m.getSubPath().equals("build-1/project"));
    assertThat(container.getVolumeMounts())
        .anyMatch(
            m ->
                m.getMountPath().equals(root.resolve(".maven-repository").toString())
                    && m.getSubPath().equals(".maven-repository"));
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(pod.getVolumes())
        .anyMatch(
            v ->
                v.getPersistentVolumeClaim() != null
                    && v.getPersistentVolumeClaim().getClaimName().equals("shipyard-workspaces"));
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600);
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(KubernetesJobSandbox.NETWORK_LABEL, "none");

    Pod finished = finishedPod(job, 0);
    expectLog(finished, "tests/test_app.py::test_adds PASSED\n1 passed\n");
    finish(job, true);
    SandboxResult result = running.get(20, TimeUnit.SECONDS);

    assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.EXITED);
    assertThat(result.exitCode()).isZero();
    assertThat(Files.readString(logs.resolve("step.log"))).contains("test_adds PASSED");
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NAMESPACE)
                .withName(job.getMetadata().getName())
                .get())
        .as("the Job is deleted when done")
        .isNull();
  }

  @Test
  void aFailedPodGivesItsExitCode() throws Exception {
    Path workspace = Files.createDirectories(root.resolve("build-2"));
    Future<SandboxResult> running =
        executor.submit(() -> sandbox().run(command(workspace, true), Ticker.NONE));

    Job job = createdJob();
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(KubernetesJobSandbox.NETWORK_LABEL, "registry");
    Pod finished = finishedPod(job, 3);
    expectLog(finished, "1 failed\n");
    finish(job, false);
    SandboxResult result = running.get(20, TimeUnit.SECONDS);

    assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.EXITED);
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.succeeded()).isFalse();
    assertThat(Files.readString(logs.resolve("step.log"))).contains("1 failed");
  }

  @Test
  void aCancelDeletesTheJobAndWaitsForItsPods() throws Exception {
    Path workspace = Files.createDirectories(root.resolve("build-3"));
    AtomicBoolean cancel = new AtomicBoolean();
    Ticker ticker =
        detail -> {
          if (cancel.get()) {
            throw new IllegalStateException("cancelled by the test");
          }
        };
    Future<SandboxResult> running =
        executor.submit(() -> sandbox().run(command(workspace, false), ticker));
    Job job = createdJob();
    String runId = job.getMetadata().getLabels().get(KubernetesJobSandbox.RUN_LABEL);
    finishedPod(job, 0); // a pod exists (still "running" as far as the Job says)
    // The garbage collector: the pods of a deleted Job go.
    executor.submit(
        () -> {
          await(
              () ->
                  client
                              .batch()
                              .v1()
                              .jobs()
                              .inNamespace(NAMESPACE)
                              .withName(job.getMetadata().getName())
                              .get()
                          == null
                      ? Boolean.TRUE
                      : null);
          client
              .pods()
              .inNamespace(NAMESPACE)
              .withLabel(KubernetesJobSandbox.RUN_LABEL, runId)
              .delete();
          return null;
        });

    cancel.set(true);

    assertThatThrownBy(() -> running.get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("cancelled by the test");
    assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).isEmpty();
    assertThat(
            client
                .pods()
                .inNamespace(NAMESPACE)
                .withLabel(KubernetesJobSandbox.RUN_LABEL, runId)
                .list()
                .getItems())
        .as("the sandbox returned only once the pods were gone")
        .isEmpty();
    assertThat(Files.readString(logs.resolve("step.log"))).contains("the Job was deleted");
  }

  @Test
  void aWorkspaceOutsideTheSharedVolumeIsRefused(@TempDir Path elsewhere) {
    assertThatThrownBy(() -> sandbox().run(command(elsewhere, false), Ticker.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shared workspace root");
    assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).isEmpty();
  }

  @Test
  void theImageFollowsTheTool() {
    assertThat(KubernetesJobSandbox.stackOf("mvn")).isEqualTo("java-maven");
    assertThat(KubernetesJobSandbox.stackOf("npm")).isEqualTo("node");
    assertThat(KubernetesJobSandbox.stackOf("/work/x/.venv/bin/python")).isEqualTo("python");
    assertThat(sandbox().imageFor("bash")).isEqualTo("debian:12-slim");
  }
}
