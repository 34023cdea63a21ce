package dev.shipyard.workflows.charts;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.testing.RegistryWorkers;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import java.util.Locale;

/**
 * The chart validation workflow on Temporal's test server with every activity a Mockito mock on its
 * registered task queue; shared by {@link HelmChartValidationWorkflowTest} and {@link
 * HelmChartReplayCorpusRecorder}.
 */
final class HelmChartHarness {

  /** The branches of the validation workflow; each has a recorded history. */
  enum Branch {
    VALID,
    INVALID,
    FAILED;

    String fileName() {
      return name().toLowerCase(Locale.ROOT) + ".json";
    }
  }

  static final HelmChartReport VALID =
      new HelmChartReport(true, List.of("[INFO] Chart.yaml: icon is recommended"), List.of(), 2);

  static final HelmChartReport INVALID =
      new HelmChartReport(
          false,
          List.of(
              "[INFO] Chart.yaml: icon is recommended",
              "[ERROR] templates/: template: broken/templates/configmap.yaml:6: function"
                  + " \"nosuchfunction\" not defined"),
          List.of(
              "parse error at (broken/templates/configmap.yaml:6): function \"nosuchfunction\" not defined"),
          0);

  private final RegistryWorkers workers;
  private final TestWorkflowEnvironment env;
  private final String workflowQueue;

  HelmChartHarness(TestWorkflowEnvironment env) {
    this.env = env;
    this.workers = new RegistryWorkers(env);
    this.workflowQueue = workers.queueOf(HelmChartValidationWorkflowImpl.class);
  }

  static TestWorkflowExtension extension() {
    return RegistryWorkers.extension();
  }

  HelmChartValidationActivities helm() {
    return workers.activities(HelmChartValidationActivities.class);
  }

  ProjectionActivities projection() {
    return workers.activities(ProjectionActivities.class);
  }

  static HelmChartValidationRequest request(String chartId) {
    String prefix = "helm-charts/" + chartId + "/1.0.0/";
    return new HelmChartValidationRequest(
        HelmChartValidationRequest.workflowId(chartId, "1.0.0"),
        chartId,
        "todo-app",
        "1.0.0",
        "default",
        "00000000-0000-0000-0000-000000000001",
        prefix + "todo-app-1.0.0.tgz",
        prefix + "rendered.yaml");
  }

  /** The run's end: its report or its failure. */
  record Outcome(String workflowId, HelmChartReport report, WorkflowException failure) {}

  Outcome drive(Branch branch) {
    HelmChartValidationRequest request =
        request("00000000-0000-0000-0000-00000000000" + (branch.ordinal() + 1));
    HelmChartValidationWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                HelmChartValidationWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(workflowQueue)
                    .setWorkflowId(request.workflowId())
                    .setStaticSummary("Validate chart todo-app 1.0.0")
                    .build());
    switch (branch) {
      case VALID -> when(helm().validate(any())).thenReturn(VALID);
      case INVALID -> when(helm().validate(any())).thenReturn(INVALID);
      case FAILED ->
          when(helm().validate(any()))
              .thenThrow(
                  ApplicationFailure.newNonRetryableFailure(
                      "The packaged chart is gone", HelmChartFailure.PACKAGE_MISSING.name()));
    }
    WorkflowClient.start(workflow::validate, request);
    WorkflowStub untyped = WorkflowStub.fromTyped(workflow);
    try {
      return new Outcome(request.workflowId(), untyped.getResult(HelmChartReport.class), null);
    } catch (WorkflowException e) {
      return new Outcome(request.workflowId(), null, e);
    }
  }

  WorkflowClient client() {
    return env.getWorkflowClient();
  }
}
