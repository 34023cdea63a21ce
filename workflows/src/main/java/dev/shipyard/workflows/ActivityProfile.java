package dev.shipyard.workflows;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * The timeout profiles of activities. Every activity interface gets one in {@link WorkerRegistry};
 * workflows take their stubs from {@link WorkerRegistry#options(Class)}, never build options of
 * their own.
 */
public enum ActivityProfile {

  /**
   * Short database writes (status projections): 30 s per attempt, up to 10 attempts, no heartbeat.
   */
  BOOKKEEPING(
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2)
                  .setMaximumInterval(Duration.ofSeconds(30))
                  .setMaximumAttempts(10)
                  .build())
          .build()),

  /**
   * Long steps (engine calls, compiling, storing many files): up to 10 minutes per attempt, and a
   * heartbeat at least every 10 s, which every implementation sends through the one shared helper
   * ({@code activities/.../common/Heartbeats}); a cancel reaches the step at its next heartbeat. Up
   * to 4 attempts for failures that may pass (a lost worker, a heartbeat timeout, a storage
   * hiccup); typed failures that cannot pass are non-retryable.
   */
  LONG_STEP(
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(10))
          .setHeartbeatTimeout(Duration.ofSeconds(10))
          .setCancellationType(ActivityCancellationType.TRY_CANCEL)
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2)
                  .setMaximumAttempts(4)
                  .build())
          .build()),

  /**
   * Sandboxed commands (builds, analyses): up to 30 minutes per attempt, a heartbeat timeout of 10
   * s (a lost worker is noticed then; a busy one is not mistaken for lost), while the sandbox ticks
   * the heartbeat every 200 ms and the CPU queue's workers send one at least every 400 ms ({@code
   * WorkerTuning}), so a cancel reaches the step within about 0.6 s; and {@code
   * WAIT_CANCELLATION_COMPLETED}: a cancelled step's workflow goes on only once the activity has
   * killed its process tree and ended. Up to 3 attempts (a lost worker: another one runs the step
   * again from its start); typed failures that cannot pass are non-retryable.
   */
  SANDBOXED_STEP(
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(30))
          .setHeartbeatTimeout(Duration.ofSeconds(10))
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2)
                  .setMaximumAttempts(3)
                  .build())
          .build()),

  /**
   * Calls to the Kubernetes API (apply, read, delete): 30 s per attempt, no heartbeat, retried 1 s,
   * 2 s, 4 s, ... up to 30 s apart for at most 10 minutes in all (a cluster that answers 5xx or not
   * at all is waited for, and then the change fails with the cause: no deployment waits forever);
   * typed failures that cannot pass (the cluster refused the objects) are non-retryable.
   */
  CLUSTER_CALL(
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setScheduleToCloseTimeout(Duration.ofMinutes(10))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2)
                  .setMaximumInterval(Duration.ofSeconds(30))
                  .build())
          .build()),

  /**
   * Watching a rollout: the workflow sets start-to-close to the progress deadline plus a margin;
   * heartbeat every few seconds (timeout 10 s), so a lost worker is noticed and another one watches
   * on; up to 3 attempts.
   */
  ROLLOUT_WATCH(
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(15))
          .setHeartbeatTimeout(Duration.ofSeconds(10))
          .setCancellationType(ActivityCancellationType.TRY_CANCEL)
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2)
                  .setMaximumAttempts(3)
                  .build())
          .build()),

  /**
   * Delivering a capsule to a destination (an upload, a push): up to 10 minutes per attempt, a
   * heartbeat at least every 10 s (a lost worker is noticed then and another one starts the
   * destination again), retried 1 s, 2 s, 4 s, ... up to 30 s apart without an attempt limit: the
   * delivery workflow bounds each destination by its provider's retry window (schedule-to-close);
   * typed failures that cannot pass (rejected credentials, a missing bucket) are non-retryable.
   */
  DESTINATION(
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(10))
          .setHeartbeatTimeout(Duration.ofSeconds(10))
          .setCancellationType(ActivityCancellationType.TRY_CANCEL)
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2)
                  .setMaximumInterval(Duration.ofSeconds(30))
                  .build())
          .build()),

  /**
   * Outgoing events (webhooks): 1 minute per attempt (the HTTP call has its own timeout), 5
   * attempts 2 s, 6 s, 18 s, 54 s apart; a failure never fails the run that emits it.
   */
  DELIVERY(
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(2))
                  .setBackoffCoefficient(3)
                  .setMaximumAttempts(5)
                  .build())
          .build()),

  /**
   * One attempt of a Standard Webhooks delivery: 1 minute (the HTTP call has its own 15 s timeout),
   * a single try: the delivery workflow's schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10
   * h, 10 h on durable timers) is the retry, so Temporal retries nothing here.
   */
  WEBHOOK_ATTEMPT(
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build());

  private final ActivityOptions options;

  ActivityProfile(ActivityOptions options) {
    this.options = options;
  }

  /** The profile's options, without a task queue. */
  public ActivityOptions options() {
    return options;
  }

  /** Whether activities of this profile must heartbeat (they have a heartbeat timeout). */
  public boolean heartbeats() {
    return options.getHeartbeatTimeout() != null && !options.getHeartbeatTimeout().isZero();
  }
}
