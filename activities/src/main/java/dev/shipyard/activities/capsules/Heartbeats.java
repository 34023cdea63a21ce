package dev.shipyard.activities.capsules;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Heartbeats every few seconds while a long synchronous step runs (compiling, an LLM call), so the
 * step is known alive and learns of a cancel: then the step's thread is interrupted (running
 * compilers and processes stop) and the cancellation is rethrown.
 */
final class Heartbeats {

  private static final ScheduledExecutorService TICKER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "capsule-heartbeats");
            t.setDaemon(true);
            return t;
          });

  private Heartbeats() {}

  static <T> T during(ActivityExecutionContext context, String stage, Callable<T> step)
      throws Exception {
    if (context == null) {
      return step.call();
    }
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
              }
            },
            0,
            3,
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
}
