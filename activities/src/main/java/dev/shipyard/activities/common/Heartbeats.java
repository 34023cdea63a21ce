package dev.shipyard.activities.common;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one heartbeat helper of every activity with a heartbeat timeout (profile {@code LONG_STEP}):
 * it heartbeats at once (on the calling thread) and then every {@value #PERIOD_SECONDS} s while the
 * step runs, so the step is known alive and learns of a cancel; then the step's thread is
 * interrupted (running compilers, processes and HTTP calls stop) and the cancellation is rethrown.
 * Outside an activity (plain unit tests) it just runs the step.
 */
public final class Heartbeats {

  /** Seconds between heartbeats: well inside the 10 s heartbeat timeout of long steps. */
  public static final int PERIOD_SECONDS = 3;

  private static final ScheduledExecutorService TICKER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "activity-heartbeats");
            t.setDaemon(true);
            return t;
          });

  private Heartbeats() {}

  /** Runs {@code step} in the current activity, heartbeating {@code stage} meanwhile. */
  public static <T> T during(String stage, Callable<T> step) throws Exception {
    return during(currentContext(), stage, step);
  }

  static <T> T during(ActivityExecutionContext context, String stage, Callable<T> step)
      throws Exception {
    if (context == null) {
      return step.call();
    }
    context.heartbeat(stage); // at once, so even a step quicker than the period is seen alive
    Thread worker = Thread.currentThread();
    AtomicReference<ActivityCompletionException> stopped = new AtomicReference<>();
    var beat =
        TICKER.scheduleAtFixedRate(
            () -> {
              try {
                context.heartbeat(stage);
              } catch (ActivityCompletionException e) {
                if (stopped.compareAndSet(null, e)) {
                  worker.interrupt();
                }
              } catch (RuntimeException e) {
                // a failed heartbeat must not end the ticker: the next one is tried
              }
            },
            PERIOD_SECONDS,
            PERIOD_SECONDS,
            TimeUnit.SECONDS);
    try {
      T result = step.call();
      if (stopped.get() != null) {
        throw stopped.get();
      }
      return result;
    } catch (Exception e) {
      if (stopped.get() != null) {
        throw stopped.get();
      }
      throw e;
    } finally {
      beat.cancel(false);
      if (stopped.get() != null) {
        Thread.interrupted(); // clear the interrupt we caused before reporting the cancel
      }
    }
  }

  private static ActivityExecutionContext currentContext() {
    try {
      return Activity.getExecutionContext();
    } catch (IllegalStateException e) {
      return null; // not in an activity
    }
  }
}
