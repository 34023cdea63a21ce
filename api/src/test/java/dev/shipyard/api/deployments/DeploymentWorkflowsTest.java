package dev.shipyard.api.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.api.error.ApiException;
import dev.shipyard.workflows.deployments.DeploymentFailure;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowUpdateException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * How the API reads a refused update: a run that must continue as new first is sent the change
 * again (nothing was recorded); the other refusals are answered at once.
 */
class DeploymentWorkflowsTest {

  private static WorkflowUpdateException refused(DeploymentFailure type) {
    return new WorkflowUpdateException(
        WorkflowExecution.newBuilder().setWorkflowId("deployment-x").setRunId("run-1").build(),
        "update-1",
        "scale",
        type.failure("refused"));
  }

  @Test
  void onlyAContinuingRunIsAskedAgain() {
    assertThat(DeploymentWorkflows.continuingAsNew(refused(DeploymentFailure.CONTINUING_AS_NEW)))
        .isTrue();
    assertThat(
            DeploymentWorkflows.continuingAsNew(
                new CompletionException(refused(DeploymentFailure.CONTINUING_AS_NEW))))
        .isTrue();
    assertThat(DeploymentWorkflows.continuingAsNew(refused(DeploymentFailure.CONFLICT))).isFalse();
    assertThat(DeploymentWorkflows.continuingAsNew(new IllegalStateException("x"))).isFalse();
  }

  @Test
  void aRunStillContinuingAfterTheRetriesIsA503() {
    Throwable answer =
        DeploymentWorkflows.translate("deployment-x", refused(DeploymentFailure.CONTINUING_AS_NEW));
    assertThat(answer).isInstanceOf(ApiException.class);
    assertThat(((ApiException) answer).error().status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    Throwable conflict =
        DeploymentWorkflows.translate("deployment-x", refused(DeploymentFailure.CONFLICT));
    assertThat(((ApiException) conflict).error().status()).isEqualTo(HttpStatus.CONFLICT);
  }
}
