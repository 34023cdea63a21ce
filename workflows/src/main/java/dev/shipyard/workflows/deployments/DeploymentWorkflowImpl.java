package dev.shipyard.workflows.deployments;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.SearchAttributeKey;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import io.temporal.workflow.WorkflowLock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * See {@link DeploymentWorkflow}. One run owns the deployment's desired state; every change is an
 * Update whose validator refuses what cannot happen now, and whose handler answers once the change
 * is applied to the cluster and written to PostgreSQL (the API reads the row right after). Rollouts
 * are watched by the main loop after the handler has answered (phase {@code updating} meanwhile),
 * so a caller never waits for a rollout; the main loop also re-reads the cluster every {@code
 * reconcileSeconds}, repairs drift by applying the desired state again and reports it, and
 * continues as new before the history grows long.
 *
 * <p>Handlers that write to the cluster take turns under one {@link WorkflowLock}: two applies
 * never run at once. A change accepted while another one is being applied is refused (409) by its
 * validator; only delete is accepted then, and it waits for the apply in progress.
 *
 * <p>Deterministic: time from {@link Workflow#currentTimeMillis()}, IDs from {@link
 * Workflow#randomUUID()}, settings from the input, every side effect in activities whose queues and
 * profiles come from {@link WorkerRegistry}.
 */
public class DeploymentWorkflowImpl implements DeploymentWorkflow {

  /** The author of automatic rollbacks. */
  static final String SYSTEM = "system";

  static final String CREATE = "create";
  static final String UPDATE = "update";
  static final String SCALE = "scale";
  static final String STOP = "stop";
  static final String START = "start";
  static final String ROLLBACK = "rollback";
  static final String AUTO_ROLLBACK = "auto-rollback";

  static final String STARTED = "deployment_started";
  static final String COMPLETED = "deployment_completed";
  static final String FAILED = "deployment_failed";

  private final DeploymentClusterActivities cluster =
      Workflow.newActivityStub(
          DeploymentClusterActivities.class,
          WorkerRegistry.options(DeploymentClusterActivities.class));

  private final DeploymentRecordActivities records =
      Workflow.newActivityStub(
          DeploymentRecordActivities.class,
          WorkerRegistry.options(DeploymentRecordActivities.class));

  private final DeploymentEventActivities events =
      Workflow.newActivityStub(
          DeploymentEventActivities.class, WorkerRegistry.options(DeploymentEventActivities.class));

  /**
   * The rollout watch: the profile's options, one attempt lasting the progress deadline + 1 min.
   */
  private final DeploymentRolloutActivities rollouts;

  /**
   * Version 1: a rollout watch that a newer change supersedes is abandoned, not cancelled: the loop
   * stops waiting for it at once and sends no cancel request; the attempt ends by itself (the newer
   * rollout complete, the Deployment gone, or its deadline) and its result is dropped. The run
   * continues as new only once its abandoned watches have ended. Found with the 500 updates test: a
   * scale arriving while the previous scale's watch completed cancelled that activity in the same
   * workflow task, and Temporal's Java test server (the local platform's) dropped that task's
   * completion half-applied and never answered an update of the run again.
   */
  static final String WATCH_ABANDONED = "deployment-watch-abandoned-not-cancelled";

  /** Watches started by this run (version 1) not known to be over. */
  private final List<Promise<RolloutResult>> watches = new ArrayList<>();

  private final WorkflowLock clusterLock = Workflow.newWorkflowLock();

  private final DeploymentInput input;
  private final DeploymentTarget target;
  private final DeploymentSettings settings;

  private DeploymentPhase phase;
  private DeploymentSpec desired;
  private int stoppedReplicas;
  private final List<CustomDomain> domains = new ArrayList<>();
  private final List<ServiceSpec> services = new ArrayList<>();
  private final List<Release> releases = new ArrayList<>();
  private int releaseCount;
  private Integer currentRelease;
  private Integer lastHealthyRelease;
  private String error;
  private ObservedState observed;
  private final long createdAt;
  private Long deployedAt;
  private long updatedAt;
  private long sequence;
  private final int runs;

  /**
   * The pending reconcile timer, else null. Never cancelled: Temporal's Java test server (the local
   * platform's) refuses the cancel of a timer that fired while the workflow task deciding the
   * cancel ran, and the run then never moves again (sdk-java#2606, #3088). A change wakes the loop
   * without touching it; it fires later and the loop reconciles then.
   */
  private Promise<Void> tick;

  /** How long no update may have started before the run continues as new. */
  static final Duration QUIET_BEFORE_CONTINUE_AS_NEW = Duration.ofSeconds(1);

  /** Update handlers started in this run (changes and refreshes). */
  private long changesStarted;

  /** A change handler is between its validation and its answer. */
  private boolean busy;

  /** A handler runs its validator again ({@link #revalidate}): not a new request. */
  private boolean revalidating;

  /** A delete was accepted: nothing but it runs any more. */
  private boolean deleteRequested;

  /** Applies so far in this run: an observation started before an apply is stale after it. */
  private long applies;

  /** The rollout the main loop is to watch (or watches), else null. */
  private Rollout rollout;

  /** The scope of the rollout watch in progress, cancelled when a change supersedes it. */
  private CancellationScope watchScope;

  /**
   * Releases changed since the last projection (written with the next one), kept here even when
   * they leave the inline list meanwhile.
   */
  private final Map<Integer, Release> changedReleases = new LinkedHashMap<>();

  /** Webhook deliveries not known to be over (awaited before the run ends). */
  private final List<Promise<Void>> deliveries = new ArrayList<>();

  /** While an automatic rollback rolls out: why, and to which release (for its failure). */
  private String rollbackCause;

  private int rollbackTo;

  /** The projection's details: what the last change or reconcile said. */
  private String details;

  /** The status search attribute last written. */
  private DeploymentPhase shownStatus;

  @WorkflowInit
  public DeploymentWorkflowImpl(DeploymentInput input) {
    this.input = input;
    this.target = input.target();
    this.settings = input.settings();
    this.rollouts =
        Workflow.newActivityStub(
            DeploymentRolloutActivities.class,
            ActivityOptions.newBuilder(WorkerRegistry.options(DeploymentRolloutActivities.class))
                .setStartToCloseTimeout(
                    Duration.ofSeconds(settings.progressDeadlineSeconds()).plusMinutes(1))
                .build());
    DeploymentState carried = input.state();
    long now = Workflow.currentTimeMillis();
    if (carried == null) {
      phase = DeploymentPhase.PENDING;
      desired = input.spec();
      createdAt = now;
      updatedAt = now;
      runs = 0;
      releaseCount = 1;
      currentRelease = 1;
      releases.add(
          new Release(
              1, CREATE, desired, null, input.ownerName(), now, ReleaseStatus.ROLLING_OUT, null));
      changedReleases.put(1, releases.get(0));
      details = "Release 1 (create) by " + input.ownerName() + ": " + desired.image();
    } else {
      phase = carried.phase();
      desired = carried.desired();
      stoppedReplicas = carried.stoppedReplicas();
      domains.addAll(carried.domains());
      services.addAll(carried.services());
      releases.addAll(carried.releases());
      releaseCount = carried.releaseCount();
      currentRelease = carried.currentRelease();
      lastHealthyRelease = carried.lastHealthyRelease();
      error = carried.error();
      observed = carried.observed();
      createdAt = carried.createdAt();
      deployedAt = carried.deployedAt();
      updatedAt = carried.updatedAt();
      sequence = carried.sequence();
      runs = carried.runs();
      details = "Continued as new (run " + (runs + 1) + ")";
    }
  }

  // ---------------------------------------------------------------- the main loop

  @Override
  public void run(DeploymentInput ignored) {
    setSearchAttributes();
    if (input.state() == null) {
      record();
      firstApply();
    } else {
      show();
    }
    while (phase != DeploymentPhase.DELETED) {
      if (deleteRequested) {
        Workflow.await(() -> phase == DeploymentPhase.DELETED || !deleteRequested);
      } else if (rollout != null) {
        watch(rollout);
      } else if (continueAsNewDue()) {
        awaitDeliveries();
        // Abandoned watches end first (no activity of this run may complete while it closes).
        Workflow.await(() -> watchesOver() || rollout != null || deleteRequested);
        if (!watchesOver()) {
          continue;
        }
        Workflow.await(Workflow::isEveryHandlerFinished);
        // Continue as new only after a quiet second: Temporal's Java test server (the local
        // platform's) loses an update that reaches a run while it continues as new, or leaves that
        // run half-closed; a real server moves the update to the new run. Changes arriving
        // back to back postpone it (they are few events each); a timer that is never cancelled.
        long seen = changesStarted;
        Workflow.sleep(QUIET_BEFORE_CONTINUE_AS_NEW);
        if (changesStarted != seen || !Workflow.isEveryHandlerFinished()) {
          continue;
        }
        // Nothing may block between this check and continueAsNew: a handler could start a change.
        if (rollout == null
            && !deleteRequested
            && phase != DeploymentPhase.DELETED
            && deliveries.stream().allMatch(Promise::isCompleted)
            && watchesOver()) {
          Workflow.continueAsNew(nextRun());
        }
      } else {
        if (tick == null) {
          tick = Workflow.newTimer(Duration.ofSeconds(settings.reconcileSeconds()));
        }
        Promise<Void> pending = tick;
        Workflow.await(
            () ->
                pending.isCompleted()
                    || rollout != null
                    || deleteRequested
                    || phase == DeploymentPhase.DELETED
                    || continueAsNewDue());
        if (pending.isCompleted()) {
          tick = null;
          reconcile();
        }
      }
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    awaitDeliveries();
  }

  /** Release 1: apply it, then the main loop watches its rollout (phase {@code deploying}). */
  private void firstApply() {
    clusterLock.lock();
    try {
      if (deleteRequested || phase != DeploymentPhase.PENDING) {
        return; // deleted before it was applied
      }
      applyRelease(releaseOf(1), DeploymentPhase.DEPLOYING, true);
    } catch (ApplicationFailure e) {
      // recorded as failed by applyRelease; the workflow lives on (update or delete it)
    } finally {
      clusterLock.unlock();
    }
  }

  /** Whether every watch this run started has ended (abandoned ones included). */
  private boolean watchesOver() {
    watches.removeIf(Promise::isCompleted);
    return watches.isEmpty();
  }

  private boolean continueAsNewDue() {
    return rollout == null
        && !busy
        && (Workflow.getInfo().getHistoryLength() > settings.continueAsNewEvents()
            || Workflow.getInfo().isContinueAsNewSuggested());
  }

  private DeploymentInput nextRun() {
    DeploymentState carried = state();
    DeploymentState next =
        new DeploymentState(
            carried.phase(),
            carried.desired(),
            carried.stoppedReplicas(),
            carried.domains(),
            carried.services(),
            newest(carried.releases(), settings.inlineReleases()),
            carried.releaseCount(),
            carried.currentRelease(),
            carried.lastHealthyRelease(),
            carried.error(),
            carried.observed(),
            carried.createdAt(),
            carried.deployedAt(),
            carried.updatedAt(),
            carried.sequence(),
            carried.runs() + 1);
    return new DeploymentInput(
        input.target(), input.tenantId(), input.ownerName(), input.spec(), settings, next);
  }

  // ---------------------------------------------------------------- rollouts

  /** A release applied whose rollout the main loop watches. */
  private record Rollout(int release, long generation, int replicas) {}

  private void watch(Rollout watched) {
    RolloutResult[] result = new RolloutResult[1];
    if (Workflow.getVersion(WATCH_ABANDONED, Workflow.DEFAULT_VERSION, 1) >= 1) {
      Promise<RolloutResult> watching =
          Async.function(
              rollouts::awaitRollout,
              new RolloutRequest(
                  target,
                  watched.generation(),
                  watched.replicas(),
                  settings.progressDeadlineSeconds()));
      watches.add(watching);
      Workflow.await(() -> watching.isCompleted() || rollout != watched);
      if (!watching.isCompleted()) {
        return; // superseded: abandoned, awaited before the run continues as new
      }
      watches.remove(watching);
      try {
        result[0] = watching.get();
      } catch (ActivityFailure e) {
        result[0] =
            new RolloutResult(false, failureType(e, "RolloutWatchFailed"), message(e), null, null);
      }
      settle(watched, result[0]);
      return;
    }
    watchScope =
        Workflow.newCancellationScope(
            () ->
                result[0] =
                    rollouts.awaitRollout(
                        new RolloutRequest(
                            target,
                            watched.generation(),
                            watched.replicas(),
                            settings.progressDeadlineSeconds())));
    try {
      watchScope.run();
    } catch (ActivityFailure e) {
      if (isCancellation(e)) {
        return; // superseded by a newer change, or the deployment is being deleted
      }
      result[0] =
          new RolloutResult(false, failureType(e, "RolloutWatchFailed"), message(e), null, null);
    } catch (CanceledFailure e) {
      return;
    } finally {
      watchScope = null;
    }
    settle(watched, result[0]);
  }

  /** A watch's end: the rollout's outcome, or only the release's when a newer change came. */
  private void settle(Rollout watched, RolloutResult ended) {
    clusterLock.lock();
    try {
      if (rollout != watched) {
        settleSuperseded(watched.release(), ended);
        return;
      }
      rollout = null;
      if (deleteRequested) {
        return;
      }
      if (ended.complete()) {
        rolledOut(watched, ended);
      } else {
        rolloutFailed(watched, ended);
      }
    } finally {
      clusterLock.unlock();
    }
  }

  /** A rollout that ended after a newer change had been applied: only the release learns it. */
  private void settleSuperseded(int number, RolloutResult result) {
    Release release = inline(number);
    if (release != null && result.complete()) {
      if (release.spec().replicas() > 0
          && (lastHealthyRelease == null || lastHealthyRelease < number)) {
        lastHealthyRelease = number;
      }
      if (result.digest() != null && release.digest() == null) {
        put(release.with(release.status(), result.digest(), release.reason()));
      }
    }
  }

  private void rolledOut(Rollout watched, RolloutResult result) {
    Release release = releaseOf(watched.release());
    String digest = result.digest() != null ? result.digest() : release.digest();
    put(release.with(ReleaseStatus.HEALTHY, digest, release.reason()));
    if (release.spec().replicas() > 0) {
      lastHealthyRelease = release.number();
    }
    if (result.observed() != null) {
      observed = result.observed();
    }
    boolean autoRollback = AUTO_ROLLBACK.equals(release.change());
    if (!autoRollback) {
      phase = DeploymentPhase.RUNNING;
      error = null;
      deployedAt = Workflow.currentTimeMillis();
    }
    details =
        autoRollback
            ? "Rolled back: release " + release.number() + " (" + digest + ") is ready"
            : "Release " + release.number() + " (" + release.change() + ") is ready" + at(digest);
    touch();
    record();
    if (watchedWithEvents(release)) {
      emit(COMPLETED, "completed");
    }
  }

  private void rolloutFailed(Rollout watched, RolloutResult result) {
    Release release = releaseOf(watched.release());
    String reason = reason(result.reason(), result.message());
    put(release.with(ReleaseStatus.FAILED, release.digest(), reason));
    if (result.observed() != null) {
      observed = result.observed();
    }
    boolean autoRollback = AUTO_ROLLBACK.equals(release.change());
    phase = DeploymentPhase.FAILED;
    if (autoRollback) {
      error = rollbackCause + "; the rollback to release " + rollbackTo + " failed too: " + reason;
      details = "Automatic rollback (release " + release.number() + ") failed: " + reason;
    } else {
      error = reason;
      details = "Release " + release.number() + " (" + release.change() + ") failed: " + reason;
    }
    touch();
    record();
    if (!autoRollback) {
      emit(FAILED, "failed");
    }
    if (!autoRollback
        && settings.autoRollback()
        && lastHealthyRelease != null
        && lastHealthyRelease != release.number()) {
      autoRollback(release, reason);
    }
  }

  /**
   * Goes back to the last healthy release, pinned to the digest it ran, as a new release by {@code
   * system}. The phase stays {@code failed} (the change asked for did not happen) with the error
   * saying where the deployment went back to, while the cluster runs the old release.
   */
  private void autoRollback(Release failed, String reason) {
    Release healthy = inline(lastHealthyRelease);
    if (healthy == null) {
      try {
        healthy = records.release(target.deploymentId(), lastHealthyRelease);
      } catch (ActivityFailure e) {
        healthy = null;
      }
      if (healthy == null) {
        error = reason + "; no rollback: release " + lastHealthyRelease + " could not be read";
        record();
        return;
      }
    }
    DeploymentSpec spec =
        healthy.spec().withImage(pinned(healthy.spec().image(), healthy.digest()));
    Release back =
        newRelease(
            AUTO_ROLLBACK,
            spec,
            SYSTEM,
            healthy.digest(),
            "release " + failed.number() + " failed; back to release " + healthy.number());
    rollbackCause = reason;
    rollbackTo = healthy.number();
    error = reason + "; rolled back to release " + healthy.number() + at(healthy.digest());
    try {
      applyRelease(back, DeploymentPhase.FAILED, true);
    } catch (ApplicationFailure e) {
      error =
          reason
              + "; the rollback to release "
              + healthy.number()
              + " could not be applied: "
              + e.getOriginalMessage();
      record();
    }
  }

  // ---------------------------------------------------------------- reconcile

  /**
   * Re-reads the cluster. Drift (objects deleted or changed out of band) is repaired by applying
   * the desired state again and reported in {@code observed} and the projection's details; pods
   * that are unhealthy after a successful rollout are reported, not repaired. A projection is
   * written only when what it says changed.
   */
  private void reconcile() {
    long before = applies;
    ObservedState seen;
    try {
      seen = cluster.observe(observeRequest());
    } catch (ActivityFailure e) {
      String text = "Cluster unreachable: " + message(e);
      if (!text.equals(details)) {
        details = text;
        record();
      }
      return;
    }
    if (applies != before || deleteRequested || rollout != null) {
      return; // a change was applied meanwhile: this reading is stale
    }
    ObservedState previous = observed;
    observed = seen;
    String text = describe(seen);
    boolean repair = !seen.drift().isEmpty() && repairable();
    if (repair) {
      clusterLock.lock();
      try {
        if (applies == before && !deleteRequested && rollout == null) {
          try {
            apply(currentRelease);
            text =
                "Drift repaired (desired state applied again): " + String.join("; ", seen.drift());
          } catch (ActivityFailure e) {
            text =
                "Drift: "
                    + String.join("; ", seen.drift())
                    + " (repair failed: "
                    + message(e)
                    + ")";
          }
        }
      } finally {
        clusterLock.unlock();
      }
    }
    boolean availableChanged = previous == null || previous.available() != seen.available();
    if (!text.equals(details) || availableChanged || repair) {
      details = text;
      touch();
      record();
    } else {
      show();
    }
  }

  /** Whether drift is repaired: in a settled phase whose current release is not a failed one. */
  private boolean repairable() {
    if (phase != DeploymentPhase.RUNNING
        && phase != DeploymentPhase.STOPPED
        && phase != DeploymentPhase.FAILED) {
      return false;
    }
    Release current = currentRelease == null ? null : inline(currentRelease);
    return current != null && current.status() != ReleaseStatus.FAILED;
  }

  private String describe(ObservedState seen) {
    if (!seen.drift().isEmpty()) {
      return "Drift: " + String.join("; ", seen.drift());
    }
    if (("unhealthy".equals(seen.health()) || "degraded".equals(seen.health()))
        && phase != DeploymentPhase.STOPPED) {
      return "Pods "
          + seen.health()
          + " ("
          + seen.ready()
          + "/"
          + seen.desired()
          + " ready, "
          + seen.restartCount()
          + " restarts): "
          + reason(seen.reason(), seen.message());
    }
    return "Cluster in sync: "
        + seen.health()
        + ", "
        + seen.ready()
        + "/"
        + seen.desired()
        + " ready";
  }

  private ObserveRequest observeRequest() {
    return new ObserveRequest(
        target,
        desired,
        domains,
        services,
        currentRelease != null && phase != DeploymentPhase.PENDING);
  }

  // ---------------------------------------------------------------- query

  @Override
  public DeploymentState state() {
    return new DeploymentState(
        phase,
        desired,
        stoppedReplicas,
        domains,
        services,
        releases,
        releaseCount,
        currentRelease,
        lastHealthyRelease,
        error,
        observed,
        createdAt,
        deployedAt,
        updatedAt,
        sequence,
        runs);
  }

  // ---------------------------------------------------------------- validators

  private String app() {
    return target.appName();
  }

  private void refuseIfGone() {
    if (phase == DeploymentPhase.DELETED) {
      throw DeploymentFailure.CONFLICT.refusal(app() + " is deleted");
    }
    if (phase == DeploymentPhase.DELETING || deleteRequested) {
      throw DeploymentFailure.CONFLICT.refusal(app() + " is being deleted");
    }
  }

  /**
   * Refuses a new change while the run is past {@link #mustContinueAsNew its hard history limit}:
   * changes arriving back to back would otherwise postpone continue-as-new without end (it waits
   * for a quiet second). The refusal leaves nothing in history; the API sends the change again and
   * it reaches the new run. Only new requests are refused: a handler that runs its validator again
   * (an update accepted earlier, also on replay) is not.
   */
  private void refuseIfContinuing() {
    if (!revalidating && mustContinueAsNew()) {
      throw DeploymentFailure.CONTINUING_AS_NEW.refusal(
          app() + " is continuing as new; send the change again");
    }
  }

  /**
   * Whether the history is so long that the run must continue as new before it takes another
   * change: half as many events again as {@code continueAsNewEvents}, where continuing is due.
   */
  private boolean mustContinueAsNew() {
    long due = settings.continueAsNewEvents();
    return Workflow.getInfo().getHistoryLength() > due + due / 2;
  }

  /** Refuses any change while another is under way (only delete is accepted then). */
  private void refuseIfChanging() {
    refuseIfContinuing();
    refuseIfGone();
    if (phase.transitional() || busy) {
      throw DeploymentFailure.CONFLICT.refusal(
          app() + " is updating; retry when it is running, stopped or failed");
    }
  }

  private void refuseIfStopped(String what) {
    if (phase == DeploymentPhase.STOPPED) {
      throw DeploymentFailure.CONFLICT.refusal(app() + " is stopped; start it first, then " + what);
    }
  }

  @Override
  public void validateUpdate(SpecChange change) {
    refuseIfChanging();
    refuseIfStopped("update it");
    if (change.replicas() != null && change.replicas() < 1) {
      throw DeploymentFailure.CONFLICT.refusal(
          "replicas must be at least 1 (to stop it, use stop)");
    }
  }

  @Override
  public void validateScale(ScaleChange change) {
    refuseIfChanging();
    if (change.replicas() < 1) {
      throw DeploymentFailure.CONFLICT.refusal(
          "replicas must be at least 1 (to stop it, use stop)");
    }
    refuseIfStopped("scale it");
  }

  @Override
  public void validateStop(Actor actor) {
    refuseIfChanging();
    if (phase == DeploymentPhase.STOPPED) {
      throw DeploymentFailure.CONFLICT.refusal(app() + " is already stopped");
    }
  }

  @Override
  public void validateStart(Actor actor) {
    refuseIfChanging();
    if (phase != DeploymentPhase.STOPPED) {
      throw DeploymentFailure.CONFLICT.refusal(
          app() + " is " + phase.value() + "; only a stopped deployment can be started");
    }
  }

  @Override
  public void validateDelete(Actor actor) {
    refuseIfGone();
  }

  @Override
  public void validateRollback(RollbackChange change) {
    refuseIfChanging();
    refuseIfStopped("roll it back");
    if ((change.release() == null) == (change.digest() == null || change.digest().isBlank())) {
      throw DeploymentFailure.CONFLICT.refusal("name exactly one of release and digest");
    }
    if (change.release() != null) {
      int number = change.release();
      if (number < 1 || number > releaseCount) {
        throw DeploymentFailure.NOT_FOUND.refusal(
            "release " + number + " of " + app() + " not found");
      }
      if (currentRelease != null && number == currentRelease) {
        throw DeploymentFailure.CONFLICT.refusal("release " + number + " is the current release");
      }
      return;
    }
    Release current = currentRelease == null ? null : inline(currentRelease);
    if (current != null && change.digest().equals(current.digest())) {
      throw DeploymentFailure.CONFLICT.refusal(
          app() + " already runs " + change.digest() + " (release " + current.number() + ")");
    }
    boolean inline = releases.stream().anyMatch(r -> change.digest().equals(r.digest()));
    if (!inline && !olderReleasesExist()) {
      throw DeploymentFailure.NOT_FOUND.refusal(
          "no release of " + app() + " ran " + change.digest());
    }
  }

  @Override
  public void validateAddDomain(DomainChange change) {
    refuseIfChanging();
    String host = change.domain().host();
    for (CustomDomain d : domains) {
      if (d.host().equalsIgnoreCase(host) || d.id().equals(change.domain().id())) {
        throw DeploymentFailure.CONFLICT.refusal(host + " is already a domain of " + app());
      }
    }
  }

  @Override
  public void validateRemoveDomain(DomainRemoval change) {
    refuseIfChanging();
    if (domains.stream().noneMatch(d -> d.id().equals(change.domainId()))) {
      throw DeploymentFailure.NOT_FOUND.refusal(
          "domain " + change.domainId() + " of " + app() + " not found");
    }
  }

  @Override
  public void validatePutService(ServiceChange change) {
    refuseIfChanging();
    ServiceSpec s = change.service();
    for (ServiceSpec other : services) {
      if (!other.id().equals(s.id()) && other.name().equals(s.name())) {
        throw DeploymentFailure.CONFLICT.refusal(
            "a service named " + s.name() + " already exists on " + app());
      }
    }
  }

  @Override
  public void validateRemoveService(ServiceRemoval change) {
    refuseIfChanging();
    if (services.stream().noneMatch(s -> s.id().equals(change.serviceId()))) {
      throw DeploymentFailure.NOT_FOUND.refusal(
          "service " + change.serviceId() + " of " + app() + " not found");
    }
  }

  @Override
  public void validateRefresh() {
    refuseIfContinuing();
    if (phase == DeploymentPhase.DELETED) {
      throw DeploymentFailure.CONFLICT.refusal(app() + " is deleted");
    }
  }

  // ---------------------------------------------------------------- handlers

  @Override
  public ChangeResult update(SpecChange change) {
    return change(
        () -> validateUpdate(change),
        () -> {
          int before = desired.replicas();
          DeploymentSpec next = merged(desired, change);
          Release release = newRelease(UPDATE, next, author(change.actor()), null, null);
          applyRelease(release, DeploymentPhase.UPDATING, true);
          return result(release, before, "release " + release.number() + " rolling out");
        });
  }

  /**
   * A scale to the count already asked is accepted as a no-op: no release, nothing applied, the
   * answer names the current release (so a retried request gets the same answer).
   */
  @Override
  public ChangeResult scale(ScaleChange change) {
    return change(
        () -> validateScale(change),
        () -> {
          int before = desired.replicas();
          if (change.replicas() == before) {
            return new ChangeResult(
                phase, currentRelease, before, before, "already " + before + " replica(s)", false);
          }
          Release release =
              newRelease(
                  SCALE,
                  desired.withReplicas(change.replicas()),
                  author(change.actor()),
                  null,
                  null);
          applyRelease(release, DeploymentPhase.RUNNING, true);
          return result(
              release,
              before,
              "scaled from " + before + " to " + change.replicas() + " replica(s)");
        });
  }

  @Override
  public ChangeResult stop(Actor actor) {
    return change(
        () -> validateStop(actor),
        () -> {
          int before = desired.replicas();
          Release release = newRelease(STOP, desired.withReplicas(0), author(actor), null, null);
          applyRelease(release, DeploymentPhase.STOPPED, false);
          stoppedReplicas = before;
          return result(release, before, "stopped (" + before + " replica(s) remembered)");
        });
  }

  @Override
  public ChangeResult start(Actor actor) {
    return change(
        () -> validateStart(actor),
        () -> {
          int before = desired.replicas();
          int replicas = Math.max(1, stoppedReplicas);
          Release release =
              newRelease(START, desired.withReplicas(replicas), author(actor), null, null);
          applyRelease(release, DeploymentPhase.UPDATING, true);
          stoppedReplicas = 0;
          return result(release, before, "starting " + replicas + " replica(s)");
        });
  }

  @Override
  public ChangeResult rollback(RollbackChange change) {
    return change(
        () -> validateRollback(change),
        () -> {
          Release back = rollbackTarget(change);
          int before = desired.replicas();
          DeploymentSpec spec = back.spec();
          if (spec.replicas() < 1) {
            spec = spec.withReplicas(Math.max(1, before)); // a stop release: keep the count
          }
          spec = spec.withImage(pinned(spec.image(), back.digest()));
          Release release =
              newRelease(
                  ROLLBACK,
                  spec,
                  author(change.actor()),
                  back.digest(),
                  "back to release "
                      + back.number()
                      + (back.digest() == null ? "" : " (" + back.digest() + ")"));
          applyRelease(release, DeploymentPhase.UPDATING, true);
          return result(
              release, before, "rolling back to release " + back.number() + at(back.digest()));
        });
  }

  /** The release a rollback names: inline, or read from {@code deployment_releases}. */
  private Release rollbackTarget(RollbackChange change) {
    Release found;
    if (change.release() != null) {
      found = inline(change.release());
      if (found == null) {
        found = records.release(target.deploymentId(), change.release());
      }
    } else {
      found = null;
      for (Release r : releases) {
        if (change.digest().equals(r.digest())) {
          found = r; // the newest one that ran it
        }
      }
      if (found == null) {
        found = records.releaseByDigest(target.deploymentId(), change.digest());
      }
    }
    if (found == null) {
      throw DeploymentFailure.NOT_FOUND.failure(
          (change.release() != null
                  ? "release " + change.release()
                  : "a release that ran " + change.digest())
              + " of "
              + app()
              + " not found");
    }
    return found;
  }

  @Override
  public ChangeResult addDomain(DomainChange change) {
    return change(
        () -> validateAddDomain(change),
        () -> {
          domains.add(change.domain());
          applyOrRevert(() -> domains.remove(change.domain()));
          details = "Domain " + change.domain().host() + " added by " + author(change.actor());
          touch();
          record();
          return unchanged("domain " + change.domain().host() + " added");
        });
  }

  @Override
  public ChangeResult removeDomain(DomainRemoval change) {
    return change(
        () -> validateRemoveDomain(change),
        () -> {
          int index = indexOf(domains, d -> d.id().equals(change.domainId()));
          CustomDomain removed = domains.remove(index);
          applyOrRevert(() -> domains.add(index, removed));
          details = "Domain " + removed.host() + " removed by " + author(change.actor());
          touch();
          record();
          return unchanged("domain " + removed.host() + " removed");
        });
  }

  @Override
  public ChangeResult putService(ServiceChange change) {
    return change(
        () -> validatePutService(change),
        () -> {
          int index = indexOf(services, s -> s.id().equals(change.service().id()));
          ServiceSpec old = index >= 0 ? services.set(index, change.service()) : null;
          if (index < 0) {
            services.add(change.service());
          }
          applyOrRevert(
              () -> {
                if (old != null) {
                  services.set(index, old);
                } else {
                  services.remove(change.service());
                }
              });
          details =
              "Service "
                  + change.service().name()
                  + (old == null ? " added" : " replaced")
                  + " by "
                  + author(change.actor());
          touch();
          record();
          return unchanged(
              "service " + change.service().name() + (old == null ? " added" : " replaced"));
        });
  }

  @Override
  public ChangeResult removeService(ServiceRemoval change) {
    return change(
        () -> validateRemoveService(change),
        () -> {
          int index = indexOf(services, s -> s.id().equals(change.serviceId()));
          ServiceSpec removed = services.remove(index);
          applyOrRevert(() -> services.add(index, removed));
          details = "Service " + removed.name() + " removed by " + author(change.actor());
          touch();
          record();
          return unchanged("service " + removed.name() + " removed");
        });
  }

  @Override
  public ChangeResult delete(Actor actor) {
    revalidate(() -> validateDelete(actor)); // two deletes in one workflow task: one is refused
    deleteRequested = true;
    supersedeWatch();
    clusterLock.lock();
    try {
      int before = desired.replicas();
      phase = DeploymentPhase.DELETING;
      details = "Deleting (asked by " + author(actor) + ")";
      touch();
      record();
      boolean namespaceDeleted;
      try {
        namespaceDeleted = cluster.delete(target);
      } catch (ActivityFailure e) {
        deleteRequested = false;
        phase = DeploymentPhase.FAILED;
        error = "delete failed: " + message(e);
        details = error;
        touch();
        record();
        throw asApplicationFailure(e, "delete failed");
      }
      phase = DeploymentPhase.DELETED;
      details = "Deleted by " + author(actor) + (namespaceDeleted ? " (namespace deleted)" : "");
      touch();
      record();
      return new ChangeResult(
          DeploymentPhase.DELETED, null, 0, before, "deleted", namespaceDeleted);
    } finally {
      clusterLock.unlock();
    }
  }

  @Override
  public ObservedState refresh() {
    revalidate(this::validateRefresh);
    changesStarted++;
    long before = applies;
    ObservedState seen;
    try {
      seen = cluster.observe(observeRequest());
    } catch (ActivityFailure e) {
      throw asApplicationFailure(e, "the cluster could not be read");
    }
    if (applies == before) {
      observed = seen;
      show();
    }
    return seen;
  }

  /**
   * Runs a change: validated again now that it runs (two changes accepted in one workflow task),
   * marked busy (further changes are refused), under the cluster lock, superseding a rollout watch
   * in progress.
   */
  private ChangeResult change(Runnable validation, Functions.Func<ChangeResult> body) {
    revalidate(validation);
    changesStarted++;
    busy = true;
    try {
      clusterLock.lock();
      try {
        if (deleteRequested || phase == DeploymentPhase.DELETED) {
          throw DeploymentFailure.CONFLICT.failure(app() + " is being deleted");
        }
        return body.apply();
      } catch (ActivityFailure e) {
        throw asApplicationFailure(e, "the change could not be made");
      } finally {
        clusterLock.unlock();
      }
    } finally {
      busy = false;
    }
  }

  /** A validator run again in its handler; a refusal there fails the update with its type. */
  private void revalidate(Runnable validation) {
    revalidating = true;
    try {
      validation.run();
    } catch (DeploymentRefusal refusal) {
      throw refusal.failure();
    } finally {
      revalidating = false;
    }
  }

  private ChangeResult result(Release release, int before, String message) {
    return new ChangeResult(phase, release.number(), desired.replicas(), before, message, false);
  }

  private ChangeResult unchanged(String message) {
    int replicas = desired.replicas();
    return new ChangeResult(phase, null, replicas, replicas, message, false);
  }

  // ---------------------------------------------------------------- applying

  /**
   * A new release of {@code spec}: the current one is superseded (its watch cancelled), the new one
   * becomes current and desired.
   */
  private Release newRelease(
      String change, DeploymentSpec spec, String author, String digest, String reason) {
    supersedeWatch();
    if (currentRelease != null) {
      Release current = inline(currentRelease);
      if (current != null
          && (current.status() == ReleaseStatus.ROLLING_OUT
              || current.status() == ReleaseStatus.HEALTHY)) {
        put(current.with(ReleaseStatus.SUPERSEDED, current.digest(), current.reason()));
      }
    }
    int number = ++releaseCount;
    Release release =
        new Release(
            number,
            change,
            spec,
            digest,
            author,
            Workflow.currentTimeMillis(),
            ReleaseStatus.ROLLING_OUT,
            reason);
    put(release);
    currentRelease = number;
    desired = spec;
    return release;
  }

  /**
   * Applies a release. Success: the phase becomes {@code next}, the projection is written, and when
   * {@code watched} the main loop watches its rollout. Failure (the cluster refused the objects or
   * stayed unreachable past the profile): the release and the deployment are failed, the projection
   * written, and the failure thrown as an {@link ApplicationFailure} of the same type.
   */
  private void applyRelease(Release release, DeploymentPhase next, boolean watched) {
    Applied applied;
    try {
      applied = apply(release.number());
    } catch (ActivityFailure e) {
      String reason = reason(failureType(e, "ApplyFailed"), message(e));
      put(release.with(ReleaseStatus.FAILED, release.digest(), reason));
      phase = DeploymentPhase.FAILED;
      error = reason;
      details = "Release " + release.number() + " (" + release.change() + ") failed: " + reason;
      touch();
      record();
      throw asApplicationFailure(e, "release " + release.number() + " could not be applied");
    }
    String digest = applied.digest() != null ? applied.digest() : release.digest();
    ReleaseStatus status = watched ? ReleaseStatus.ROLLING_OUT : ReleaseStatus.HEALTHY;
    put(release.with(status, digest, release.reason()));
    phase = next;
    if (!AUTO_ROLLBACK.equals(release.change())) {
      error = null;
    }
    if (watched) {
      rollout = new Rollout(release.number(), applied.generation(), release.spec().replicas());
    }
    details =
        "Release "
            + release.number()
            + " ("
            + release.change()
            + ") by "
            + release.author()
            + (watched ? ": rolling out" : ": applied")
            + at(digest);
    touch();
    record();
    if (watched && watchedWithEvents(release)) {
      emit(STARTED, "started");
    }
  }

  /** Writes the desired state into the cluster, as release {@code number} (null: no release). */
  private Applied apply(Integer number) {
    applies++;
    return cluster.apply(
        new ApplyRequest(
            target, desired, domains, services, number, settings.progressDeadlineSeconds()));
  }

  /** Applies a domain or service change; on failure undoes it in the state and fails the update. */
  private void applyOrRevert(Runnable undo) {
    try {
      apply(null);
    } catch (ActivityFailure e) {
      undo.run();
      throw asApplicationFailure(e, "the change could not be applied");
    }
  }

  /** Cancels the watch of a rollout a newer change replaces (or a delete ends). */
  private void supersedeWatch() {
    rollout = null;
    if (watchScope != null) {
      watchScope.cancel("superseded");
    }
  }

  /** Releases that announce themselves by webhook: those that roll out a pod template. */
  private static boolean watchedWithEvents(Release release) {
    return !SCALE.equals(release.change()) && !AUTO_ROLLBACK.equals(release.change());
  }

  // ---------------------------------------------------------------- releases

  private Release inline(Integer number) {
    if (number == null) {
      return null;
    }
    for (Release r : releases) {
      if (r.number() == number) {
        return r;
      }
    }
    return null;
  }

  private Release releaseOf(int number) {
    return Objects.requireNonNull(inline(number), "release " + number + " is not inline");
  }

  /**
   * Puts (adds or replaces) a release inline, keeping at most the newest {@code inlineReleases}.
   */
  private void put(Release release) {
    int index = indexOf(releases, r -> r.number() == release.number());
    if (index >= 0) {
      releases.set(index, release);
    } else {
      releases.add(release);
    }
    changedReleases.put(release.number(), release);
    int keep = Math.max(2, settings.inlineReleases());
    while (releases.size() > keep && !isPinned(releases.get(0))) {
      releases.remove(0);
    }
  }

  /** The current release and a rollout being watched stay inline. */
  private boolean isPinned(Release release) {
    return Objects.equals(currentRelease, release.number())
        || (rollout != null && rollout.release() == release.number());
  }

  private boolean olderReleasesExist() {
    return releases.isEmpty() || releases.get(0).number() > 1;
  }

  private static List<Release> newest(List<Release> all, int keep) {
    int from = Math.max(0, all.size() - Math.max(2, keep));
    return List.copyOf(all.subList(from, all.size()));
  }

  // ---------------------------------------------------------------- projection, Web UI, events

  private void touch() {
    updatedAt = Workflow.currentTimeMillis();
  }

  /** Writes the projection of the current state (sequence + 1) and the Web UI's view of it. */
  private void record() {
    List<Release> changed = new ArrayList<>(changedReleases.values());
    changedReleases.clear();
    show();
    Release current = currentRelease == null ? null : inline(currentRelease);
    records.record(
        new DeploymentProjection(
            target,
            input.tenantId(),
            phase,
            error,
            desired.replicas(),
            observed == null ? 0 : observed.available(),
            desired.image(),
            current == null ? null : current.digest(),
            deployedAt,
            changed,
            settings.url(),
            details,
            ++sequence));
  }

  /** Current details and the status search attribute (only when the phase changed). */
  private void show() {
    if (shownStatus != phase) {
      Workflow.upsertTypedSearchAttributes(ShipyardSearchAttributes.STATUS.valueSet(phase.value()));
      shownStatus = phase;
    }
    Release current = currentRelease == null ? null : inline(currentRelease);
    StringBuilder text = new StringBuilder();
    text.append("**").append(phase.value()).append("** · ");
    text.append(observed == null ? "?" : String.valueOf(observed.ready()))
        .append('/')
        .append(desired.replicas())
        .append(" ready");
    if (currentRelease != null) {
      text.append(" · release ").append(currentRelease);
    }
    if (current != null && current.digest() != null) {
      text.append(" · ").append(current.digest());
    }
    if (error != null) {
      text.append("\n\n").append(error);
    } else if (details != null) {
      text.append("\n\n").append(details);
    }
    Workflow.setCurrentDetails(text.toString());
  }

  /** Kind, tenant and owner are set by the API at start; set here when missing. */
  private void setSearchAttributes() {
    List<io.temporal.common.SearchAttributeUpdate<?>> updates = new ArrayList<>();
    addIfAbsent(updates, ShipyardSearchAttributes.KIND, DeploymentInput.KIND);
    addIfAbsent(updates, ShipyardSearchAttributes.TENANT, input.tenantId());
    addIfAbsent(updates, ShipyardSearchAttributes.OWNER, target.ownerId());
    if (!updates.isEmpty()) {
      Workflow.upsertTypedSearchAttributes(
          updates.toArray(new io.temporal.common.SearchAttributeUpdate<?>[0]));
    }
  }

  private static void addIfAbsent(
      List<io.temporal.common.SearchAttributeUpdate<?>> updates,
      SearchAttributeKey<String> key,
      String value) {
    if (value != null && !Workflow.getTypedSearchAttributes().containsKey(key)) {
      updates.add(key.valueSet(value));
    }
  }

  /** Sends a webhook without waiting for it: a delivery failure never holds or fails the loop. */
  private void emit(String type, String status) {
    deliveries.removeIf(Promise::isCompleted);
    DeploymentEvent event =
        new DeploymentEvent(
            Workflow.randomUUID().toString(),
            type,
            status,
            target.deploymentId(),
            target.appName(),
            target.ownerId(),
            settings.url(),
            Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString());
    deliveries.add(Async.procedure(events::send, event));
  }

  /** Deliveries still under way finish before the run ends (their results are not needed). */
  private void awaitDeliveries() {
    for (Promise<Void> delivery : deliveries) {
      try {
        delivery.get();
      } catch (ActivityFailure e) {
        // the delivery profile's attempts are spent; the deployment goes on
      }
    }
    deliveries.clear();
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The image pinned to a digest: {@code repo[:tag][@digest]} becomes {@code repo@digest} (a port
   * in the registry host is kept); unchanged when the digest is unknown.
   */
  static String pinned(String image, String digest) {
    if (digest == null || digest.isBlank()) {
      return image;
    }
    String repository = image;
    int at = repository.indexOf('@');
    if (at >= 0) {
      repository = repository.substring(0, at);
    }
    int slash = repository.lastIndexOf('/');
    int colon = repository.lastIndexOf(':');
    if (colon > slash) {
      repository = repository.substring(0, colon);
    }
    return repository + "@" + digest;
  }

  static DeploymentSpec merged(DeploymentSpec spec, SpecChange change) {
    return new DeploymentSpec(
        change.image() != null ? change.image() : spec.image(),
        change.port() != null ? change.port() : spec.port(),
        change.replicas() != null ? change.replicas() : spec.replicas(),
        change.resources() != null ? change.resources() : spec.resources(),
        change.envNames() != null ? change.envNames() : spec.envNames(),
        change.secretsRevision() != null ? change.secretsRevision() : spec.secretsRevision(),
        change.registryAuth() != null ? change.registryAuth() : spec.registryAuth(),
        change.healthCheck() != null ? change.healthCheck() : spec.healthCheck());
  }

  private static String author(Actor actor) {
    return actor == null || actor.name() == null ? "unknown" : actor.name();
  }

  private static String at(String digest) {
    return digest == null ? "" : " (" + digest + ")";
  }

  private static String reason(String reason, String message) {
    if (reason == null) {
      return message == null ? "unknown" : message;
    }
    return message == null || message.isBlank() ? reason : reason + ": " + message;
  }

  private static <T> int indexOf(List<T> list, java.util.function.Predicate<T> test) {
    for (int i = 0; i < list.size(); i++) {
      if (test.test(list.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isCancellation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CanceledFailure) {
        return true;
      }
    }
    return false;
  }

  /** The type of the application failure under an activity failure, else {@code fallback}. */
  private static String failureType(ActivityFailure e, String fallback) {
    return e.getCause() instanceof ApplicationFailure app ? app.getType() : fallback;
  }

  private static String message(ActivityFailure e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof TemporalFailure failure) {
      return failure.getOriginalMessage();
    }
    return cause.getMessage();
  }

  /** An activity's failure as the update's failure: same type, non-retryable, a short message. */
  private static ApplicationFailure asApplicationFailure(ActivityFailure e, String what) {
    String type =
        e.getCause() instanceof ApplicationFailure app
            ? app.getType()
            : DeploymentFailure.CLUSTER_UNAVAILABLE.type();
    return ApplicationFailure.newNonRetryableFailure(what + ": " + message(e), type);
  }
}
