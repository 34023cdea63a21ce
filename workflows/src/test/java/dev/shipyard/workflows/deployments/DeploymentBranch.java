package dev.shipyard.workflows.deployments;

import static dev.shipyard.workflows.deployments.DeploymentHarness.ALICE;
import static dev.shipyard.workflows.deployments.DeploymentHarness.BROKEN;
import static dev.shipyard.workflows.deployments.DeploymentHarness.HELD;
import static dev.shipyard.workflows.deployments.DeploymentHarness.IMAGE_2;
import static dev.shipyard.workflows.deployments.DeploymentHarness.digestOf;

import io.temporal.client.WorkflowStub;
import java.util.Locale;

/**
 * The branches of {@link DeploymentWorkflowImpl}, each driven to its end (a delete). {@link
 * DeploymentWorkflowTest} checks that each ends deleted; {@link DeploymentReplayCorpusRecorder}
 * records each one's history under {@link #fileName()}.
 */
enum DeploymentBranch {
  /** Every kind of change once: scale, stop, start, update, rollback by number and by digest. */
  LIFECYCLE {
    @Override
    void drive(DeploymentHarness h, DeploymentWorkflow w, DeploymentInput input) {
      running(h, w);
      w.scale(new ScaleChange(ALICE, 3));
      running(h, w);
      w.stop(ALICE);
      w.start(ALICE);
      running(h, w);
      w.update(new SpecChange(ALICE, IMAGE_2, null, null, null, null, 2, null, null));
      running(h, w);
      w.rollback(new RollbackChange(ALICE, 1, null));
      running(h, w);
      w.rollback(new RollbackChange(ALICE, null, digestOf(IMAGE_2)));
      running(h, w);
      w.addDomain(new DomainChange(ALICE, new CustomDomain("d-1", "shop.example.org")));
      w.putService(
          new ServiceChange(
              ALICE, new ServiceSpec("s-1", "shop-admin", "ClusterIP", 9090, 9090, "TCP")));
      w.removeService(new ServiceRemoval(ALICE, "s-1"));
      w.removeDomain(new DomainRemoval(ALICE, "d-1"));
      w.refresh();
    }
  },
  /** A rollout past its deadline: failed, then back to release 1 pinned to its digest. */
  ROLLOUT_FAILED_ROLLED_BACK {
    @Override
    void drive(DeploymentHarness h, DeploymentWorkflow w, DeploymentInput input) {
      running(h, w);
      w.update(new SpecChange(ALICE, BROKEN, null, null, null, null, null, null, null));
      h.awaitState(
          w,
          s ->
              s.releaseCount() == 3
                  && s.releases().get(2).status() == ReleaseStatus.HEALTHY
                  && s.phase() == DeploymentPhase.FAILED);
    }
  },
  /** The Deployment deleted out of band: the reconcile timer finds it and applies it again. */
  DRIFT_REPAIRED {
    @Override
    void drive(DeploymentHarness h, DeploymentWorkflow w, DeploymentInput input) {
      running(h, w);
      h.nextObservation.put(
          input.target().deploymentId(),
          DeploymentHarness.drifted("Deployment deleted out of band"));
      h.env().sleep(DeploymentHarness.reconcilePeriod().plusSeconds(1));
      DeploymentHarness.await(
          h::projections,
          p -> p.get(p.size() - 1).details().startsWith("Drift repaired"),
          "the repair recorded");
    }
  },
  /** A delete while a rollout is watched: the watch is abandoned (no longer awaited). */
  DELETED_WHILE_UPDATING {
    @Override
    void drive(DeploymentHarness h, DeploymentWorkflow w, DeploymentInput input)
        throws InterruptedException {
      running(h, w);
      w.update(new SpecChange(ALICE, HELD, null, null, null, null, null, null, null));
      h.awaitHeld();
    }
  },
  /**
   * Enough changes to continue as new (a low event limit); the history recorded is the last run's,
   * which starts from the carried state.
   */
  CONTINUED_AS_NEW {
    @Override
    DeploymentSettings settings() {
      return DeploymentHarness.settings(100, 3);
    }

    @Override
    void drive(DeploymentHarness h, DeploymentWorkflow w, DeploymentInput input) {
      running(h, w);
      for (int i = 0; i < 20; i++) { // past the limit of 100 events
        int replicas = i % 2 == 0 ? 3 : 2;
        h.updateAcrossRuns(input.target().workflowId(), "scale", new ScaleChange(ALICE, replicas));
        running(h, w);
      }
      h.awaitState(w, s -> s.runs() > 0); // after a quiet second
    }
  };

  /** Drives the branch from a running start to just before its delete. */
  abstract void drive(DeploymentHarness h, DeploymentWorkflow w, DeploymentInput input)
      throws InterruptedException;

  DeploymentSettings settings() {
    return DeploymentHarness.settings();
  }

  String fileName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-') + ".json";
  }

  /** Starts the branch's deployment, drives it, deletes it and waits for the workflow's end. */
  DeploymentInput run(DeploymentHarness h) throws InterruptedException {
    DeploymentInput input =
        DeploymentHarness.input(name().toLowerCase(Locale.ROOT).replace('_', '-'), settings());
    DeploymentWorkflow workflow = h.start(input);
    drive(h, workflow, input);
    h.updateAcrossRuns(input.target().workflowId(), "delete", ALICE);
    WorkflowStub.fromTyped(h.stub(input)).getResult(Void.class);
    return input;
  }

  private static void running(DeploymentHarness h, DeploymentWorkflow w) {
    h.awaitState(w, s -> s.phase() == DeploymentPhase.RUNNING);
  }
}
