package dev.shipyard.workflows.images;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.testing.RegistryWorkers;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The image build workflow on Temporal's test server with every activity a Mockito mock on its
 * registered task queue; shared by {@link ImageBuildWorkflowTest} and {@link
 * ImageReplayCorpusRecorder}.
 */
final class ImageHarness {

  /** The branches of the image workflow; each has a recorded history. */
  enum Branch {
    /** Built and pushed, recorded. */
    BUILT,
    /** The registry is unreachable once (retryable), then the push passes. */
    RETRIED,
    /** The registry refuses the push (not retryable): failed with step and cause. */
    REFUSED;

    String fileName() {
      return name().toLowerCase(Locale.ROOT) + ".json";
    }
  }

  static final BuiltImage IMAGE =
      new BuiltImage(
          "127.0.0.1:5000/acme/todo@sha256:" + "a".repeat(64),
          "sha256:" + "a".repeat(64),
          "application/vnd.oci.image.manifest.v1+json",
          1234,
          new BuiltImage.Blob(
              "sha256:" + "c".repeat(64), 234, "application/vnd.oci.image.config.v1+json"),
          List.of(
              new BuiltImage.Blob(
                  "sha256:" + "d".repeat(64), 1000, "application/vnd.oci.image.layer.v1.tar+gzip")),
          "python",
          "scratch",
          "/sbom/cyclonedx.json");

  private final RegistryWorkers workers;
  private final TestWorkflowEnvironment env;

  ImageHarness(TestWorkflowEnvironment env) {
    this.env = env;
    this.workers = new RegistryWorkers(env);
  }

  static TestWorkflowExtension extension() {
    return RegistryWorkers.extension();
  }

  ImageBuildActivities builder() {
    return workers.activities(ImageBuildActivities.class);
  }

  ImageRecordActivities records() {
    return workers.activities(ImageRecordActivities.class);
  }

  ProjectionActivities projection() {
    return workers.activities(ProjectionActivities.class);
  }

  static ImageBuildRequest request(String imageId) {
    return new ImageBuildRequest(
        imageId,
        "default",
        "00000000-0000-0000-0000-000000000001",
        "cap-1",
        "ver-1",
        1,
        "manifests/sha256/" + "b".repeat(64) + ".json",
        "b".repeat(64),
        "acme/todo",
        "latest");
  }

  record Outcome(String workflowId, BuiltImage image, WorkflowException failure) {}

  Outcome drive(Branch branch) throws Exception {
    String id = "00000000-0000-0000-0000-00000000000" + (branch.ordinal() + 1);
    ImageBuildRequest request = request(id);
    switch (branch) {
      case BUILT -> when(builder().buildAndPush(any())).thenReturn(IMAGE);
      case RETRIED -> {
        AtomicInteger attempts = new AtomicInteger();
        when(builder().buildAndPush(any()))
            .thenAnswer(
                invocation -> {
                  if (attempts.incrementAndGet() == 1) {
                    throw ApplicationFailure.newFailure(
                        "ConnectException: Connection refused",
                        ImageFailure.REGISTRY_UNAVAILABLE.name());
                  }
                  return IMAGE;
                });
      }
      case REFUSED ->
          when(builder().buildAndPush(any()))
              .thenThrow(
                  ApplicationFailure.newNonRetryableFailure(
                      "RegistryUnauthorizedException: Unauthorized for 127.0.0.1:5000/acme/todo",
                      ImageFailure.REGISTRY_REFUSED.name()));
    }
    ImageBuildWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                ImageBuildWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(workers.queueOf(ImageBuildWorkflowImpl.class))
                    .setWorkflowId(request.workflowId())
                    .build());
    io.temporal.client.WorkflowClient.start(workflow::build, request);
    WorkflowStub untyped = WorkflowStub.fromTyped(workflow);
    try {
      return new Outcome(
          request.workflowId(), untyped.getResult(60, TimeUnit.SECONDS, BuiltImage.class), null);
    } catch (WorkflowException e) {
      return new Outcome(request.workflowId(), null, e);
    }
  }
}
