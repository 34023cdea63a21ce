package dev.shipyard.workflows.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

/** Every branch of the chart validation workflow, with mocked activities. */
class HelmChartValidationWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension temporal = HelmChartHarness.extension();

  private static List<RunProjection> projections(HelmChartHarness harness) {
    ArgumentCaptor<RunProjection> runs = ArgumentCaptor.forClass(RunProjection.class);
    verify(harness.projection(), atLeast(2)).recordRun(runs.capture());
    return runs.getAllValues();
  }

  @Test
  void aChartHelmAcceptsEndsValid(TestWorkflowEnvironment env) {
    HelmChartHarness harness = new HelmChartHarness(env);
    HelmChartHarness.Outcome outcome = harness.drive(HelmChartHarness.Branch.VALID);

    assertThat(outcome.report()).isEqualTo(HelmChartHarness.VALID);
    assertThat(outcome.workflowId())
        .isEqualTo("helm-chart-00000000-0000-0000-0000-000000000001@1.0.0");
    assertThat(projections(harness))
        .extracting(
            RunProjection::kind,
            RunProjection::status,
            RunProjection::phase,
            RunProjection::error,
            RunProjection::sequence)
        .containsExactly(
            tuple("helm-chart", RunStatus.RUNNING, "validating", null, 1L),
            tuple("helm-chart", RunStatus.COMPLETED, "valid", null, 2L));
    var order = inOrder(harness.projection(), harness.helm());
    order.verify(harness.projection()).recordRun(any());
    order.verify(harness.helm()).validate(any());
    order.verify(harness.projection()).recordRun(any());
  }

  @Test
  void aChartHelmRefusesCompletesInvalidWithHelmsFirstError(TestWorkflowEnvironment env) {
    HelmChartHarness harness = new HelmChartHarness(env);
    HelmChartHarness.Outcome outcome = harness.drive(HelmChartHarness.Branch.INVALID);

    assertThat(outcome.report().valid()).isFalse();
    RunProjection last = projections(harness).get(1);
    assertThat(last.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(last.phase()).isEqualTo("invalid");
    assertThat(last.error())
        .startsWith("[ERROR] templates/")
        .contains("function \"nosuchfunction\" not defined");
    assertThat(last.details()).startsWith("helm refused the chart: [ERROR]");
  }

  @Test
  void aValidationThatCannotRunFailsInvalidWithTheReasonAndIsNotRetried(
      TestWorkflowEnvironment env) {
    HelmChartHarness harness = new HelmChartHarness(env);
    HelmChartHarness.Outcome outcome = harness.drive(HelmChartHarness.Branch.FAILED);

    assertThat(outcome.failure()).isNotNull();
    RunProjection last = projections(harness).get(1);
    assertThat(last.status()).isEqualTo(RunStatus.FAILED);
    assertThat(last.phase()).isEqualTo("invalid");
    assertThat(last.error()).isEqualTo("The validation could not run: The packaged chart is gone");
    verify(harness.helm(), times(1)).validate(any());
  }
}
