package dev.shipyard.workflows.deployments;

import static dev.shipyard.workflows.deployments.DeploymentHarness.ALICE;
import static dev.shipyard.workflows.deployments.DeploymentHarness.BROKEN;
import static dev.shipyard.workflows.deployments.DeploymentHarness.HELD;
import static dev.shipyard.workflows.deployments.DeploymentHarness.IMAGE;
import static dev.shipyard.workflows.deployments.DeploymentHarness.IMAGE_2;
import static dev.shipyard.workflows.deployments.DeploymentHarness.digestOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link DeploymentWorkflowImpl} with mocked activities ({@link DeploymentHarness}): the lifecycle,
 * every refused transition (409, nothing in history), rollout failure with automatic rollback,
 * drift repair, 500 updates across continue-as-new, refresh.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeploymentWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension temporal = DeploymentHarness.extension();

  private DeploymentHarness harness;

  @AfterEach
  void releaseHeldWatches() {
    if (harness != null) {
      harness.releaseHeld();
      assertThat(harness.failedWorkflowTasks()).as("failed workflow tasks").isEmpty();
    }
  }

  private DeploymentHarness harness(TestWorkflowEnvironment env) {
    harness = new DeploymentHarness(env);
    return harness;
  }

  private static DeploymentState running(DeploymentHarness h, DeploymentWorkflow workflow) {
    return h.awaitState(workflow, s -> s.phase() == DeploymentPhase.RUNNING);
  }

  @Test
  void aNewDeploymentIsAppliedWatchedAndRunning(TestWorkflowEnvironment env) {
    DeploymentHarness h = harness(env);
    DeploymentInput input = DeploymentHarness.input("create", DeploymentHarness.settings());
    DeploymentWorkflow workflow = h.start(input);

    DeploymentState state = running(h, workflow);

    assertThat(state.releaseCount()).isEqualTo(1);
    assertThat(state.currentRelease()).isEqualTo(1);
    assertThat(state.lastHealthyRelease()).isEqualTo(1);
    assertThat(state.deployedAt()).isNotNull();
    assertThat(state.releases())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.change()).isEqualTo("create");
              assertThat(r.status()).isEqualTo(ReleaseStatus.HEALTHY);
              assertThat(r.digest()).isEqualTo(digestOf(IMAGE));
              assertThat(r.author()).isEqualTo("alice");
            });
    DeploymentHarness.await(
        h::calls, c -> c.contains("send deployment_completed"), "the completed webhook");
    assertThat(h.calls())
        .filteredOn(c -> !c.startsWith("send"))
        .containsExactly(
            "record pending", "apply", "record deploying", "awaitRollout", "record running");
    assertThat(h.calls())
        .filteredOn(c -> c.startsWith("send"))
        .containsExactly("send deployment_started", "send deployment_completed");
    assertThat(h.projections())
        .extracting(DeploymentProjection::sequence)
        .containsExactly(1L, 2L, 3L);
    DeploymentProjection last = h.projections().get(2);
    assertThat(last.digest()).isEqualTo(digestOf(IMAGE));
    assertThat(last.desiredReplicas()).isEqualTo(2);
    assertThat(last.availableReplicas()).isEqualTo(2);
    assertThat(last.url()).isEqualTo("https://shop.apps.example.com");
    assertThat(h.projections().get(0).releases()).extracting(Release::number).containsExactly(1);
    DeploymentEvent completed = h.sent().get(1);
    assertThat(completed.type()).isEqualTo("deployment_completed");
    assertThat(completed.status()).isEqualTo("completed");
    assertThat(completed.deploymentId()).isEqualTo(input.target().deploymentId());
    assertThat(completed.userId()).isEqualTo(ALICE.userId());
    assertThat(h.sent().get(0).eventId()).isNotEqualTo(completed.eventId());

    String id = input.target().workflowId();
    var attributes =
        h.client()
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(h.client().getOptions().getNamespace())
                    .setExecution(
                        io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId(id))
                    .build())
            .getWorkflowExecutionInfo()
            .getSearchAttributes()
            .getIndexedFieldsMap();
    assertThat(attributes)
        .containsKeys(
            ShipyardSearchAttributes.STATUS.getName(),
            ShipyardSearchAttributes.KIND.getName(),
            ShipyardSearchAttributes.TENANT.getName(),
            ShipyardSearchAttributes.OWNER.getName());
    assertThat(attributes.get(ShipyardSearchAttributes.STATUS.getName()).getData().toStringUtf8())
        .contains("running");
    String details =
        h.client()
            .newUntypedWorkflowStub(id)
            .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
            .getCurrentDetails();
    assertThat(details).contains("running", "2/2 ready", "release 1", digestOf(IMAGE));
  }

  @Test
  void everyChangeIsAppliedBeforeItsAnswerAndRecordedAsARelease(TestWorkflowEnvironment env) {
    DeploymentHarness h = harness(env);
    DeploymentInput input = DeploymentHarness.input("lifecycle", DeploymentHarness.settings());
    DeploymentWorkflow workflow = h.start(input);
    running(h, workflow);

    // scale: applied and recorded before the answer; the phase is running at once
    ChangeResult scaled = workflow.scale(new ScaleChange(ALICE, 3));
    assertThat(scaled.phase()).isEqualTo(DeploymentPhase.RUNNING);
    assertThat(scaled.release()).isEqualTo(2);
    assertThat(scaled.replicas()).isEqualTo(3);
    assertThat(scaled.previousReplicas()).isEqualTo(2);
    assertThat(h.applies()).last().satisfies(a -> assertThat(a.spec().replicas()).isEqualTo(3));
    assertThat(h.applies()).last().satisfies(a -> assertThat(a.release()).isEqualTo(2));
    assertThat(h.projections()).last().satisfies(p -> assertThat(p.desiredReplicas()).isEqualTo(3));
    running(h, workflow);

    // a scale to the same count: accepted, nothing applied, no release
    int appliesBefore = h.applies().size();
    ChangeResult same = workflow.scale(new ScaleChange(ALICE, 3));
    assertThat(same.release()).isEqualTo(2);
    assertThat(same.message()).contains("already 3");
    assertThat(h.applies()).hasSize(appliesBefore);

    // stop remembers the count; start restores it
    ChangeResult stopped = workflow.stop(ALICE);
    assertThat(stopped.phase()).isEqualTo(DeploymentPhase.STOPPED);
    assertThat(stopped.replicas()).isZero();
    assertThat(stopped.previousReplicas()).isEqualTo(3);
    assertThat(workflow.state().stoppedReplicas()).isEqualTo(3);
    assertThat(h.applies()).last().satisfies(a -> assertThat(a.spec().replicas()).isZero());

    ChangeResult started = workflow.start(ALICE);
    assertThat(started.phase()).isEqualTo(DeploymentPhase.UPDATING);
    assertThat(started.replicas()).isEqualTo(3);
    DeploymentState afterStart = running(h, workflow);
    assertThat(afterStart.stoppedReplicas()).isZero();
    assertThat(afterStart.desired().replicas()).isEqualTo(3);

    // update: a new image rolls out after the answer
    ChangeResult updated =
        workflow.update(new SpecChange(ALICE, IMAGE_2, null, null, null, null, 2, null, null));
    assertThat(updated.phase()).isEqualTo(DeploymentPhase.UPDATING);
    assertThat(updated.release()).isEqualTo(5);
    DeploymentState afterUpdate = running(h, workflow);
    assertThat(afterUpdate.desired().image()).isEqualTo(IMAGE_2);
    assertThat(afterUpdate.desired().secretsRevision()).isEqualTo(2);
    assertThat(afterUpdate.releases())
        .filteredOn(r -> r.number() == 5)
        .singleElement()
        .satisfies(r -> assertThat(r.digest()).isEqualTo(digestOf(IMAGE_2)));

    // rollback by number: release 1's spec, pinned to its digest
    ChangeResult back = workflow.rollback(new RollbackChange(ALICE, 1, null));
    assertThat(back.release()).isEqualTo(6);
    DeploymentState afterRollback = running(h, workflow);
    String pinned1 = "registry.example.com:5000/shop@" + digestOf(IMAGE);
    assertThat(afterRollback.desired().image()).isEqualTo(pinned1);
    assertThat(afterRollback.desired().secretsRevision()).isEqualTo(1);
    assertThat(h.applies()).last().satisfies(a -> assertThat(a.spec().image()).isEqualTo(pinned1));

    // rollback by digest: the newest release that ran it
    workflow.rollback(new RollbackChange(ALICE, null, digestOf(IMAGE_2)));
    DeploymentState afterDigest = running(h, workflow);
    assertThat(afterDigest.desired().image())
        .isEqualTo("registry.example.com:5000/shop@" + digestOf(IMAGE_2));
    assertThat(afterDigest.releaseCount()).isEqualTo(7);
    assertThat(afterDigest.releases())
        .extracting(Release::change)
        .containsExactly("create", "scale", "stop", "start", "update", "rollback", "rollback");
    assertThat(afterDigest.releases())
        .extracting(Release::status)
        .containsExactly(
            ReleaseStatus.SUPERSEDED,
            ReleaseStatus.SUPERSEDED,
            ReleaseStatus.SUPERSEDED,
            ReleaseStatus.SUPERSEDED,
            ReleaseStatus.SUPERSEDED,
            ReleaseStatus.SUPERSEDED,
            ReleaseStatus.HEALTHY);

    // domains and services: applied, not releases
    CustomDomain domain = new CustomDomain("d-1", "shop.example.org");
    ChangeResult added = workflow.addDomain(new DomainChange(ALICE, domain));
    assertThat(added.release()).isNull();
    assertThat(h.applies()).last().satisfies(a -> assertThat(a.domains()).containsExactly(domain));
    assertThat(h.applies()).last().satisfies(a -> assertThat(a.release()).isNull());
    ServiceSpec service = new ServiceSpec("s-1", "shop-admin", "ClusterIP", 9090, 9090, "TCP");
    workflow.putService(new ServiceChange(ALICE, service));
    assertThat(h.applies())
        .last()
        .satisfies(a -> assertThat(a.services()).containsExactly(service));
    workflow.removeService(new ServiceRemoval(ALICE, "s-1"));
    workflow.removeDomain(new DomainRemoval(ALICE, "d-1"));
    assertThat(h.applies())
        .last()
        .satisfies(
            a -> {
              assertThat(a.domains()).isEmpty();
              assertThat(a.services()).isEmpty();
            });
    assertThat(workflow.state().releaseCount()).isEqualTo(7);

    // delete: the objects go, the workflow ends
    ChangeResult deleted = workflow.delete(ALICE);
    assertThat(deleted.phase()).isEqualTo(DeploymentPhase.DELETED);
    assertThat(deleted.namespaceDeleted()).isTrue();
    WorkflowStub.fromTyped(workflow).getResult(Void.class);
    assertThat(h.projections())
        .last()
        .satisfies(p -> assertThat(p.phase()).isEqualTo(DeploymentPhase.DELETED));
    assertThat(h.projections())
        .extracting(DeploymentProjection::sequence)
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(h.client().fetchHistory(input.target().workflowId()).getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void impossibleTransitionsAreRefusedWithNothingInHistory(TestWorkflowEnvironment env)
      throws Exception {
    DeploymentHarness h = harness(env);
    DeploymentInput input = DeploymentHarness.input("refusals", DeploymentHarness.settings());
    String id = input.target().workflowId();
    DeploymentWorkflow workflow = h.start(input);
    running(h, workflow);
    workflow.addDomain(new DomainChange(ALICE, new CustomDomain("d-1", "shop.example.org")));

    // running
    refused(h, id, "CONFLICT", "only a stopped deployment", w -> w.start(ALICE));
    refused(h, id, "CONFLICT", "at least 1", w -> w.scale(new ScaleChange(ALICE, 0)));
    refused(
        h, id, "CONFLICT", "current release", w -> w.rollback(new RollbackChange(ALICE, 1, null)));
    refused(
        h,
        id,
        "CONFLICT",
        "already runs",
        w -> w.rollback(new RollbackChange(ALICE, null, digestOf(IMAGE))));
    refused(
        h,
        id,
        "CONFLICT",
        "exactly one",
        w -> w.rollback(new RollbackChange(ALICE, 1, "sha256:1")));
    refused(h, id, "NOT_FOUND", "release 9", w -> w.rollback(new RollbackChange(ALICE, 9, null)));
    refused(
        h,
        id,
        "NOT_FOUND",
        "sha256:0000",
        w -> w.rollback(new RollbackChange(ALICE, null, "sha256:0000")));
    refused(
        h,
        id,
        "CONFLICT",
        "already a domain",
        w -> w.addDomain(new DomainChange(ALICE, new CustomDomain("d-2", "SHOP.example.org"))));
    refused(h, id, "NOT_FOUND", "domain d-9", w -> w.removeDomain(new DomainRemoval(ALICE, "d-9")));
    refused(
        h, id, "NOT_FOUND", "service s-9", w -> w.removeService(new ServiceRemoval(ALICE, "s-9")));

    // stopped
    workflow.stop(ALICE);
    refused(h, id, "CONFLICT", "already stopped", w -> w.stop(ALICE));
    refused(h, id, "CONFLICT", "start it first", w -> w.scale(new ScaleChange(ALICE, 2)));
    refused(
        h,
        id,
        "CONFLICT",
        "start it first",
        w -> w.update(new SpecChange(ALICE, IMAGE_2, null, null, null, null, null, null, null)));

    // updating: only delete is accepted
    workflow.start(ALICE);
    running(h, workflow);
    workflow.update(new SpecChange(ALICE, HELD, null, null, null, null, null, null, null));
    h.awaitHeld();
    assertThat(workflow.state().phase()).isEqualTo(DeploymentPhase.UPDATING);
    refused(
        h,
        id,
        "CONFLICT",
        "is updating; retry when it is running, stopped or failed",
        w -> w.scale(new ScaleChange(ALICE, 5)));
    refused(h, id, "CONFLICT", "is updating", w -> w.stop(ALICE));
    refused(
        h,
        id,
        "CONFLICT",
        "is updating",
        w -> w.addDomain(new DomainChange(ALICE, new CustomDomain("d-3", "other.example.org"))));
    ChangeResult deleted = workflow.delete(ALICE);
    assertThat(deleted.phase()).isEqualTo(DeploymentPhase.DELETED);
    assertThat(workflow.state().phase()).isEqualTo(DeploymentPhase.DELETED);

    // the held watch was abandoned by the delete (it ends when the closed run refuses its
    // heartbeat): the release never became running
    WorkflowStub.fromTyped(workflow).getResult(Void.class);
    // (the watch's call is counted when the mock runs, which may be after the projection)
    List<String> calls =
        h.calls().stream().filter(c -> !c.startsWith("send") && !c.equals("awaitRollout")).toList();
    assertThat(calls.subList(calls.lastIndexOf("record updating"), calls.size()))
        .containsExactly("record updating", "record deleting", "delete", "record deleted");
    assertThat(workflow.state().releases())
        .last()
        .satisfies(r -> assertThat(r.spec().image()).isEqualTo(HELD));
  }

  @Test
  void aRolloutPastItsDeadlineFailsAndRollsBackToTheHealthyDigest(TestWorkflowEnvironment env) {
    DeploymentHarness h = harness(env);
    DeploymentInput input = DeploymentHarness.input("rollback", DeploymentHarness.settings());
    DeploymentWorkflow workflow = h.start(input);
    running(h, workflow);

    ChangeResult accepted =
        workflow.update(new SpecChange(ALICE, BROKEN, null, null, null, null, null, null, null));
    assertThat(accepted.phase()).isEqualTo(DeploymentPhase.UPDATING);

    DeploymentState state =
        h.awaitState(
            workflow,
            s -> s.releaseCount() == 3 && s.releases().get(2).status() == ReleaseStatus.HEALTHY);
    String pinned = "registry.example.com:5000/shop@" + digestOf(IMAGE);
    assertThat(state.phase()).isEqualTo(DeploymentPhase.FAILED);
    assertThat(state.error())
        .startsWith("ProgressDeadlineExceeded: ")
        .contains("CrashLoopBackOff")
        .endsWith("; rolled back to release 1 (" + digestOf(IMAGE) + ")");
    Release failed = state.releases().get(1);
    assertThat(failed.status()).isEqualTo(ReleaseStatus.FAILED);
    assertThat(failed.reason()).startsWith("ProgressDeadlineExceeded");
    Release back = state.releases().get(2);
    assertThat(back.change()).isEqualTo("auto-rollback");
    assertThat(back.author()).isEqualTo("system");
    assertThat(back.spec().image()).isEqualTo(pinned);
    assertThat(back.digest()).isEqualTo(digestOf(IMAGE));
    assertThat(state.desired().image()).isEqualTo(pinned);
    assertThat(state.currentRelease()).isEqualTo(3);
    assertThat(h.applies()).last().satisfies(a -> assertThat(a.spec().image()).isEqualTo(pinned));
    DeploymentHarness.await(
        h::sent,
        sent -> sent.stream().anyMatch(e -> e.type().equals("deployment_failed")),
        "the failed webhook");
    assertThat(h.projections())
        .filteredOn(p -> p.phase() == DeploymentPhase.FAILED)
        .last()
        .satisfies(p -> assertThat(p.error()).contains("rolled back to release 1"));

    // a failed deployment takes the next change
    workflow.update(new SpecChange(ALICE, IMAGE_2, null, null, null, null, null, null, null));
    DeploymentState fixed = running(h, workflow);
    assertThat(fixed.error()).isNull();
    assertThat(fixed.lastHealthyRelease()).isEqualTo(4);
  }

  @Test
  void driftIsRepairedAndReportedAndCrashLoopsAreReported(TestWorkflowEnvironment env) {
    DeploymentHarness h = harness(env);
    DeploymentInput input = DeploymentHarness.input("drift", DeploymentHarness.settings());
    DeploymentWorkflow workflow = h.start(input);
    running(h, workflow);
    int applies = h.applies().size();

    h.nextObservation.put(
        input.target().deploymentId(), DeploymentHarness.drifted("Deployment deleted out of band"));
    env.sleep(DeploymentHarness.reconcilePeriod().plusSeconds(1));

    DeploymentHarness.await(
        h::projections,
        p -> p.get(p.size() - 1).details().startsWith("Drift repaired"),
        "the repair recorded");
    assertThat(h.applies()).hasSize(applies + 1);
    assertThat(h.applies()).last().satisfies(a -> assertThat(a.release()).isEqualTo(1));
    assertThat(h.projections().get(h.projections().size() - 1).details())
        .contains("Deployment deleted out of band");
    DeploymentState state = workflow.state();
    assertThat(state.observed().drift()).containsExactly("Deployment deleted out of band");
    assertThat(state.phase()).isEqualTo(DeploymentPhase.RUNNING);
    assertThat(state.releaseCount()).as("a repair is not a release").isEqualTo(1);

    // pods crash-looping after a good rollout: reported, not repaired
    h.nextObservation.put(
        input.target().deploymentId(),
        DeploymentHarness.observed(2, 1, "degraded", "CrashLoopBackOff"));
    env.sleep(DeploymentHarness.reconcilePeriod().plusSeconds(1));
    DeploymentHarness.await(
        h::projections,
        p -> p.get(p.size() - 1).details().contains("CrashLoopBackOff"),
        "the crash loop recorded");
    DeploymentProjection reported = h.projections().get(h.projections().size() - 1);
    assertThat(reported.details()).startsWith("Pods degraded (1/2 ready, 7 restarts)");
    assertThat(reported.availableReplicas()).isEqualTo(1);
    assertThat(h.applies()).hasSize(applies + 1);
    assertThat(workflow.state().observed().health()).isEqualTo("degraded");

    // the same reading again: nothing new recorded
    int records = h.projections().size();
    h.nextObservation.put(
        input.target().deploymentId(),
        DeploymentHarness.observed(2, 1, "degraded", "CrashLoopBackOff"));
    env.sleep(DeploymentHarness.reconcilePeriod().plusSeconds(1));
    DeploymentHarness.await(
        () -> h.calls().stream().filter("observe"::equals).count(),
        n -> n == 3,
        "the third reading");
    h.quietHistory(input.target().workflowId());
    assertThat(h.projections()).hasSize(records);
  }

  @Test
  void refreshReadsTheClusterNow(TestWorkflowEnvironment env) {
    DeploymentHarness h = harness(env);
    DeploymentInput input = DeploymentHarness.input("refresh", DeploymentHarness.settings());
    DeploymentWorkflow workflow = h.start(input);
    running(h, workflow);
    ObservedState now = DeploymentHarness.observed(2, 1, "degraded", "CrashLoopBackOff");
    h.nextObservation.put(input.target().deploymentId(), now);

    assertThat(workflow.refresh()).isEqualTo(now);
    assertThat(workflow.state().observed()).isEqualTo(now);
  }

  @Test
  void rollbackFindsOlderReleasesInTheTable(TestWorkflowEnvironment env) {
    DeploymentHarness h = harness(env);
    DeploymentInput input = DeploymentHarness.input("older", DeploymentHarness.settings(10_000, 2));
    String deploymentId = input.target().deploymentId();
    DeploymentWorkflow workflow = h.start(input);
    DeploymentState first = running(h, workflow);
    Release one = first.releases().get(0);
    for (int replicas : new int[] {3, 4, 5}) {
      workflow.scale(new ScaleChange(ALICE, replicas));
      running(h, workflow);
    }
    assertThat(workflow.state().releases()).extracting(Release::number).containsExactly(3, 4);
    org.mockito.Mockito.when(h.records().release(deploymentId, 1)).thenReturn(one);

    ChangeResult back = workflow.rollback(new RollbackChange(ALICE, 1, null));

    assertThat(back.release()).isEqualTo(5);
    DeploymentState state = running(h, workflow);
    assertThat(state.desired().image())
        .isEqualTo("registry.example.com:5000/shop@" + digestOf(IMAGE));
    assertThat(state.desired().replicas()).isEqualTo(2);
    assertThat(state.releases()).extracting(Release::number).containsExactly(4, 5);

    // a digest that is neither inline nor in the table: the update fails NOT_FOUND
    WorkflowUpdateException e =
        catchThrowableOfType(
            () -> workflow.rollback(new RollbackChange(ALICE, null, "sha256:feed")),
            WorkflowUpdateException.class);
    assertThat(DeploymentFailure.of(e)).contains(DeploymentFailure.NOT_FOUND);
    assertThat(workflow.state().releaseCount()).isEqualTo(5);
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void fiveHundredUpdatesContinueAsNewAndKeepTheirHistory(TestWorkflowEnvironment env) {
    DeploymentHarness h = harness(env);
    DeploymentInput input = DeploymentHarness.input("many", DeploymentHarness.settings(2_000, 20));
    String id = input.target().workflowId();
    DeploymentWorkflow workflow = h.start(input);
    running(h, workflow);

    for (int i = 1; i <= 500; i++) {
      int replicas = i % 2 == 1 ? 1 : 2;
      ChangeResult result = h.updateAcrossRuns(id, "scale", new ScaleChange(ALICE, replicas));
      assertThat(result.release()).isEqualTo(i + 1);
      DeploymentState state = workflow.state();
      assertThat(state.releaseCount()).isEqualTo(i + 1);
      assertThat(state.desired().replicas()).isEqualTo(replicas);
      assertThat(state.releases()).hasSizeLessThanOrEqualTo(20);
    }

    // Past 3,000 events (1.5 x 2,000) a run refused changes (CONTINUING_AS_NEW, sent again as the
    // API does) until it had continued as new. The last run settles below 2,000 events; it is
    // waited for by describing it, not by querying it (see DeploymentHarness.awaitRunAfter).
    DeploymentHarness.await(
        () -> h.describe(id),
        d ->
            !d.hasPendingWorkflowTask()
                && d.getPendingActivitiesCount() == 0
                && d.getWorkflowExecutionInfo().getHistoryLength() <= 2_000,
        "the newest run idle below the continue-as-new threshold");
    DeploymentState state = workflow.state();
    assertThat(state.phase()).isEqualTo(DeploymentPhase.RUNNING);
    assertThat(state.releaseCount()).isEqualTo(501);
    assertThat(state.releases()).hasSize(20);
    assertThat(state.releases().get(19).number()).isEqualTo(501);
    assertThat(state.createdAt()).isLessThanOrEqualTo(state.updatedAt());
    // Every run but the newest ended continued-as-new, none longer than the hard limit allows.
    String run =
        h.client()
            .fetchHistory(id)
            .getEvents()
            .get(0)
            .getWorkflowExecutionStartedEventAttributes()
            .getFirstExecutionRunId();
    List<Integer> lengths = new java.util.ArrayList<>();
    while (true) {
      List<HistoryEvent> events = h.client().fetchHistory(id, run).getEvents();
      lengths.add(events.size());
      HistoryEvent last = events.get(events.size() - 1);
      if (last.getEventType() != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) {
        assertThat(run)
            .as(
                "a run that did not continue as new is the newest; its end: %s",
                events.subList(Math.max(0, events.size() - 12), events.size()).stream()
                    .map(e -> e.getEventId() + " " + e.getEventType())
                    .toList())
            .isEqualTo(h.describe(id).getWorkflowExecutionInfo().getExecution().getRunId());
        break;
      }
      run = last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
    }
    assertThat(lengths).as("events per run").allMatch(n -> n <= 3_000 + 100);
    assertThat(lengths.size()).as("runs").isGreaterThanOrEqualTo(3);
    assertThat(state.runs()).isEqualTo(lengths.size() - 1);
    List<Long> sequences =
        h.projections().stream()
            .filter(p -> p.target().workflowId().equals(id))
            .map(DeploymentProjection::sequence)
            .toList();
    assertThat(sequences).isSorted().doesNotHaveDuplicates();
    assertThat(sequences.get(sequences.size() - 1)).isEqualTo(sequences.size());
    assertThat(
            h.projections().stream()
                .flatMap(p -> p.releases().stream())
                .map(Release::number)
                .distinct()
                .count())
        .as("every release was written to the table")
        .isEqualTo(501);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DeploymentBranch.class)
  void everyRecordedBranchEndsDeletedWithoutAFailedWorkflowTask(
      DeploymentBranch branch, TestWorkflowEnvironment env) throws Exception {
    DeploymentHarness h = harness(env);
    DeploymentInput input = branch.run(h);
    String id = input.target().workflowId();
    assertThat(h.client().fetchHistory(id).getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(h.client().fetchHistory(id).getEvents())
        .extracting(HistoryEvent::getEventType)
        .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    assertThat(h.projections())
        .last()
        .satisfies(p -> assertThat(p.phase()).isEqualTo(DeploymentPhase.DELETED));
    assertThat(h.stub(input).state().phase()).isEqualTo(DeploymentPhase.DELETED);
  }

  @Test
  void pinnedDropsTagAndDigestButKeepsTheRegistryPort() {
    assertThat(DeploymentWorkflowImpl.pinned("registry.example.com:5000/shop:1.0", "sha256:ab"))
        .isEqualTo("registry.example.com:5000/shop@sha256:ab");
    assertThat(DeploymentWorkflowImpl.pinned("nginx", "sha256:ab")).isEqualTo("nginx@sha256:ab");
    assertThat(DeploymentWorkflowImpl.pinned("ghcr.io/a/b:2@sha256:old", "sha256:new"))
        .isEqualTo("ghcr.io/a/b@sha256:new");
    assertThat(DeploymentWorkflowImpl.pinned("localhost:5000/shop", "sha256:ab"))
        .isEqualTo("localhost:5000/shop@sha256:ab");
    assertThat(DeploymentWorkflowImpl.pinned("nginx:1.27", null)).isEqualTo("nginx:1.27");
  }

  /**
   * The events of a history but its workflow tasks. A real Temporal server drops the workflow task
   * that carried only a rejected update (a speculative task); Temporal's Java test server writes it
   * (scheduled, started, completed, nothing else).
   */
  private static List<HistoryEvent> withoutWorkflowTasks(List<HistoryEvent> events) {
    return events.stream()
        .filter(
            e ->
                e.getEventType() != EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
                    && e.getEventType() != EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
                    && e.getEventType() != EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
        .toList();
  }

  /**
   * An update refused by its validator: the failure's type and message; nothing in history but
   * workflow tasks (see {@link #withoutWorkflowTasks}); the state unchanged.
   */
  private static void refused(
      DeploymentHarness h,
      String workflowId,
      String type,
      String message,
      Consumer<DeploymentWorkflow> change) {
    DeploymentWorkflow workflow = h.client().newWorkflowStub(DeploymentWorkflow.class, workflowId);
    List<HistoryEvent> before = h.quietHistory(workflowId);
    DeploymentState stateBefore = workflow.state();
    WorkflowUpdateException e =
        catchThrowableOfType(() -> change.accept(workflow), WorkflowUpdateException.class);
    assertThat(e).as("refused: %s", message).isNotNull();
    assertThat(e.getCause()).isInstanceOf(ApplicationFailure.class);
    assertThat(((ApplicationFailure) e.getCause()).getOriginalMessage()).contains(message);
    assertThat(DeploymentFailure.of(e)).contains(DeploymentFailure.valueOf(type));
    assertThat(withoutWorkflowTasks(h.quietHistory(workflowId)))
        .as("history after refusing: %s", message)
        .isEqualTo(withoutWorkflowTasks(before));
    assertThat(workflow.state()).isEqualTo(stateBefore);
  }
}
