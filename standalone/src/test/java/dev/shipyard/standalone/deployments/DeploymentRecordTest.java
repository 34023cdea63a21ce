package dev.shipyard.standalone.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.deployments.JdbcDeploymentRecordActivities;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.workflows.deployments.DeploymentPhase;
import dev.shipyard.workflows.deployments.DeploymentProjection;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.Release;
import dev.shipyard.workflows.deployments.ReleaseStatus;
import dev.shipyard.workflows.deployments.Resources;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The worker's writer of deployment rows against the real PostgreSQL: the run, the business row,
 * the releases and the owner's notification are written together, once per sequence; older releases
 * read back for a rollback; a deleted deployment frees its name and its domains.
 */
@ExtendWith(LocalPlatformExtension.class)
class DeploymentRecordTest {

  private static final DeploymentSpec SPEC =
      new DeploymentSpec(
          "registry.example/shop/api:1.0",
          8080,
          2,
          new Resources("100m", "128Mi"),
          List.of("DATABASE_URL"),
          1,
          false,
          null);

  @Test
  void aProjectionIsWrittenOnceAndNotifiesTheOwnerOfEachPhaseChange(
      LocalPlatform platform, WebTestClient api) {
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    JdbcDeploymentRecordActivities record =
        platform.workerContext().getBean(JdbcDeploymentRecordActivities.class);
    Accounts.Account owner = Accounts.register(api, "deployrec");
    DeploymentTarget target = insert(jdbc, owner, "shop-api");

    Release first =
        new Release(
            1, "create", SPEC, null, owner.username(), 1_000L, ReleaseStatus.ROLLING_OUT, null);
    record.record(projection(owner, target, DeploymentPhase.DEPLOYING, 0, List.of(first), 1));
    // The same sequence again (a retried activity): nothing new.
    record.record(projection(owner, target, DeploymentPhase.DEPLOYING, 0, List.of(first), 1));
    Release healthy = first.with(ReleaseStatus.HEALTHY, "sha256:" + "a".repeat(64), null);
    record.record(projection(owner, target, DeploymentPhase.RUNNING, 2, List.of(healthy), 2));
    // An older sequence arriving late changes nothing.
    record.record(projection(owner, target, DeploymentPhase.DEPLOYING, 0, List.of(first), 1));

    Map<String, Object> run =
        jdbc.queryForMap(
            "SELECT status, phase, sequence FROM workflow_runs WHERE workflow_id = ?",
            target.workflowId());
    assertThat(run).containsEntry("status", "running").containsEntry("phase", "running");
    assertThat(run.get("sequence")).isEqualTo(2L);
    Map<String, Object> row =
        jdbc.queryForMap(
            "SELECT available_replicas, digest FROM deployments WHERE id = ?",
            UUID.fromString(target.deploymentId()));
    assertThat(row).containsEntry("available_replicas", 2).containsEntry("digest", null);
    List<String> statuses =
        jdbc.queryForList(
            "SELECT payload->'data'->>'status' FROM notifications WHERE deployment_id = ?"
                + " ORDER BY id",
            String.class,
            UUID.fromString(target.deploymentId()));
    assertThat(statuses).containsExactly("deploying", "running");

    Release stored = record.release(target.deploymentId(), 1);
    assertThat(stored.status()).isEqualTo(ReleaseStatus.HEALTHY);
    assertThat(stored.spec()).isEqualTo(SPEC);
    assertThat(stored.at()).isEqualTo(1_000L);
    assertThat(record.releaseByDigest(target.deploymentId(), healthy.digest()).number())
        .isEqualTo(1);
    assertThat(record.release(target.deploymentId(), 7)).isNull();
    assertThat(record.releaseByDigest(target.deploymentId(), "sha256:" + "b".repeat(64))).isNull();
  }

  @Test
  void aDeletedDeploymentFreesItsNameAndItsDomains(LocalPlatform platform, WebTestClient api) {
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    JdbcDeploymentRecordActivities record =
        platform.workerContext().getBean(JdbcDeploymentRecordActivities.class);
    Accounts.Account owner = Accounts.register(api, "deployrec");
    DeploymentTarget target = insert(jdbc, owner, "web");
    UUID id = UUID.fromString(target.deploymentId());
    String host = Accounts.unique("shop") + ".example.com";
    jdbc.update(
        "INSERT INTO deployment_domains (id, deployment_id, host) VALUES (?, ?, ?)",
        UUID.randomUUID(),
        id,
        host);

    record.record(projection(owner, target, DeploymentPhase.DELETED, 0, List.of(), 5));

    assertThat(
            jdbc.queryForObject(
                "SELECT status FROM workflow_runs WHERE workflow_id = ?",
                String.class,
                target.workflowId()))
        .isEqualTo("completed");
    assertThat(
            jdbc.queryForObject(
                "SELECT deleted_at IS NOT NULL FROM deployments WHERE id = ?", Boolean.class, id))
        .isTrue();
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM deployment_domains WHERE lower(host) = ?",
                Integer.class,
                host))
        .isZero();
    // The name is free again for the same owner.
    insert(jdbc, owner, "web");
  }

  private static DeploymentProjection projection(
      Accounts.Account owner,
      DeploymentTarget target,
      DeploymentPhase phase,
      int available,
      List<Release> releases,
      long sequence) {
    return new DeploymentProjection(
        target,
        owner.tenantId(),
        phase,
        null,
        2,
        available,
        SPEC.image(),
        null,
        null,
        releases,
        "https://" + target.appName() + ".apps.shipyard.local",
        phase.value(),
        sequence);
  }

  private static DeploymentTarget insert(JdbcTemplate jdbc, Accounts.Account owner, String app) {
    UUID id = UUID.randomUUID();
    DeploymentTarget target =
        new DeploymentTarget(id.toString(), owner.id(), app, "shipyard-" + owner.id(), app);
    jdbc.update(
        "INSERT INTO deployments (id, tenant_id, owner_id, app_name, workflow_id, namespace,"
            + " object_name, image, port, replicas, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 8080, 2, ?)",
        id,
        owner.tenantId(),
        UUID.fromString(owner.id()),
        app,
        target.workflowId(),
        target.namespace(),
        app,
        SPEC.image(),
        "https://" + app + ".apps.shipyard.local");
    return target;
  }
}
