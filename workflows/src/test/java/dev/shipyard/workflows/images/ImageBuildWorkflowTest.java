package dev.shipyard.workflows.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

/** Every branch of {@link ImageBuildWorkflowImpl} with mocked activities. */
class ImageBuildWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension temporal = ImageHarness.extension();

  private static List<RunProjection> runs(ImageHarness h) {
    ArgumentCaptor<RunProjection> runs = ArgumentCaptor.forClass(RunProjection.class);
    verify(h.projection(), atLeastOnce()).recordRun(runs.capture());
    return runs.getAllValues();
  }

  @Test
  void builtImageIsRecordedAndTheRunCompletes(TestWorkflowEnvironment env) throws Exception {
    ImageHarness h = new ImageHarness(env);
    ImageHarness.Outcome outcome = h.drive(ImageHarness.Branch.BUILT);
    assertThat(outcome.image()).isEqualTo(ImageHarness.IMAGE);
    assertThat(outcome.workflowId()).startsWith("image-");
    verify(h.records()).recordBuilt(anyString(), eq(ImageHarness.IMAGE));
    verify(h.records(), never()).recordFailed(any(), any(), any());
    List<RunProjection> runs = runs(h);
    assertThat(runs).extracting(RunProjection::phase).containsExactly("building", "built");
    assertThat(runs)
        .extracting(RunProjection::status)
        .containsExactly(RunStatus.RUNNING, RunStatus.COMPLETED);
    assertThat(runs).extracting(RunProjection::sequence).containsExactly(1L, 2L);
    assertThat(runs.get(1).details()).contains(ImageHarness.IMAGE.digest()).contains("1234 bytes");
  }

  @Test
  void anUnreachableRegistryIsRetriedByTemporal(TestWorkflowEnvironment env) throws Exception {
    ImageHarness h = new ImageHarness(env);
    ImageHarness.Outcome outcome = h.drive(ImageHarness.Branch.RETRIED);
    assertThat(outcome.failure()).isNull();
    verify(h.builder(), times(2)).buildAndPush(any());
    verify(h.records()).recordBuilt(anyString(), eq(ImageHarness.IMAGE));
  }

  @Test
  void aRefusedPushFailsNamingTheStepAndTheRegistrysCause(TestWorkflowEnvironment env)
      throws Exception {
    ImageHarness h = new ImageHarness(env);
    ImageHarness.Outcome outcome = h.drive(ImageHarness.Branch.REFUSED);
    assertThat(outcome.failure()).isNotNull();
    assertThat(outcome.failure().getCause()).isInstanceOf(ApplicationFailure.class);
    assertThat(((ApplicationFailure) outcome.failure().getCause()).getType())
        .isEqualTo("IMAGE_FAILED");
    verify(h.builder(), times(1)).buildAndPush(any()); // not retried
    ArgumentCaptor<String> cause = ArgumentCaptor.forClass(String.class);
    verify(h.records()).recordFailed(anyString(), eq("build and push"), cause.capture());
    assertThat(cause.getValue())
        .startsWith("REGISTRY_REFUSED: ")
        .contains("Unauthorized for 127.0.0.1:5000/acme/todo");
    List<RunProjection> runs = runs(h);
    assertThat(runs).extracting(RunProjection::phase).containsExactly("building", "failed");
    assertThat(runs.get(1).status()).isEqualTo(RunStatus.FAILED);
    assertThat(runs.get(1).error()).isEqualTo("build and push failed: " + cause.getValue());
    verify(h.records(), never()).recordBuilt(any(), any());
  }
}
