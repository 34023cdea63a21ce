package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.api.runs.WorkflowRunReconciler;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.workflows.capsules.CapsuleStatus;
import dev.shipyard.workflows.capsules.GenerationRequest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The startup reconciler covers capsule generations like every other kind of run: a capsule whose
 * run says "generating" but whose workflow Temporal no longer knows (the local test server forgets
 * everything on restart) is marked failed, and the API shows it.
 */
@ExtendWith(LocalPlatformExtension.class)
class CapsuleReconcilerTest {

  @Test
  void aStrandedGenerationIsMarkedFailedAndTheApiShowsIt(
      LocalPlatform platform, WebTestClient api) {
    Accounts.Account owner = Accounts.register(api, "stranded");
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    String capsuleId = "cap-stranded-" + UUID.randomUUID().toString().substring(0, 8);
    String workflowId = GenerationRequest.workflowId(capsuleId);
    jdbc.update(
        "INSERT INTO capsules (id, request_id, tenant_id, owner_id, description, engine,"
            + " target_score, workflow_id) VALUES (?, ?, ?, ?, 'a service', 'offline', 0.9, ?)",
        capsuleId,
        "req-" + capsuleId,
        owner.tenantId(),
        UUID.fromString(owner.id()),
        workflowId);
    // The run as the workflow's projection left it before the Temporal server went away.
    jdbc.update(
        "INSERT INTO workflow_runs (workflow_id, kind, tenant_id, owner_id, status, phase,"
            + " sequence) VALUES (?, ?, ?, ?, 'running', 'generating', 3)",
        workflowId,
        CapsuleStatus.KIND,
        owner.tenantId(),
        owner.id());
    Map<String, Object> before =
        Json.call(api, HttpMethod.GET, "/capsule/" + capsuleId, owner.accessToken(), null, 200);
    assertThat(before).containsEntry("status", "generating");

    Long changed = platform.apiContext().getBean(WorkflowRunReconciler.class).reconcile().block();

    assertThat(changed).isPositive();
    Map<String, Object> after =
        Json.call(api, HttpMethod.GET, "/capsule/" + capsuleId, owner.accessToken(), null, 200);
    assertThat(after)
        .containsEntry("status", "failed")
        .containsEntry("error", WorkflowRunReconciler.GONE_REASON);
    // A finished capsule cannot be cancelled any more.
    Json.call(
        api, HttpMethod.POST, "/capsule/" + capsuleId + "/cancel", owner.accessToken(), null, 409);
  }
}
