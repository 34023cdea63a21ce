package dev.shipyard.api.tasks;

import dev.shipyard.api.channels.DatabaseChannels;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;

/**
 * Fans task events out to the watchers of this API instance, through the instance's ONE listening
 * connection ({@link DatabaseChannels}, channel {@code shipyard_task_events}), whatever the number
 * of watchers. The database announces every inserted event itself (trigger of migration {@code V6},
 * payload {@code <task_id>:<seq>}, on commit), whichever worker wrote it, so every API replica
 * hears every event. A notification only rings a watcher's doorbell: the watcher reads the rows
 * after its last seq from the table, so order and exactly-once come from seq, never from
 * notifications (which may be lost while the connection is down).
 *
 * <p>When the connection was lost and {@code LISTEN} is in force again, every watcher is rung, so
 * each re-reads from its last seq and nothing written meanwhile is missed.
 */
@Component
public class TaskEventFanout implements DatabaseChannels.Listener {

  static final String CHANNEL = "shipyard_task_events";

  private static final Logger log = LoggerFactory.getLogger(TaskEventFanout.class);

  private final DatabaseChannels channels;
  private final ConcurrentHashMap<UUID, Set<Runnable>> watchers = new ConcurrentHashMap<>();
  private final AtomicLong notifications = new AtomicLong();

  TaskEventFanout(DatabaseChannels channels, ObjectProvider<MeterRegistry> meters) {
    this.channels = channels;
    channels.register(CHANNEL, this);
    MeterRegistry registry = meters.getIfAvailable();
    if (registry != null) {
      Gauge.builder("shipyard.tasks.watchers", this, TaskEventFanout::watchers)
          .description("WebSocket watchers of task progress on this API instance")
          .register(registry);
      FunctionCounter.builder(
              "shipyard.tasks.notifications", notifications, AtomicLong::doubleValue)
          .description("task event notifications received by this API instance")
          .register(registry);
      Gauge.builder("shipyard.tasks.listening", this, f -> f.listening() ? 1 : 0)
          .description("1 while LISTEN shipyard_task_events is in force")
          .register(registry);
    }
  }

  /**
   * Rings {@code doorbell} whenever an event of {@code taskId} is announced, and after every
   * reconnection of the listener. The doorbell runs on the listener's thread: it must only schedule
   * work, never do it. Dispose the result to stop.
   */
  public Disposable watch(UUID taskId, Runnable doorbell) {
    watchers.compute(
        taskId,
        (id, set) -> {
          Set<Runnable> s = set != null ? set : ConcurrentHashMap.newKeySet();
          s.add(doorbell);
          return s;
        });
    return () ->
        watchers.computeIfPresent(
            taskId,
            (id, set) -> {
              set.remove(doorbell);
              return set.isEmpty() ? null : set;
            });
  }

  /** Whether {@code LISTEN} is in force now. */
  public boolean listening() {
    return channels.listening();
  }

  /** The PostgreSQL backend process of the listening connection (0 before the first LISTEN). */
  public int backendPid() {
    return channels.backendPid();
  }

  /** How many watchers this instance has (all tasks). */
  public int watchers() {
    return watchers.values().stream().mapToInt(Set::size).sum();
  }

  /** How many notifications this instance has received since it started. */
  public long notificationsReceived() {
    return notifications.get();
  }

  /** {@code <task_id>:<seq>}: rings the task's watchers (the seq itself is read from the table). */
  @Override
  public void announced(String payload) {
    notifications.incrementAndGet();
    if (payload == null) {
      return;
    }
    int colon = payload.indexOf(':');
    UUID taskId;
    try {
      taskId = UUID.fromString(colon < 0 ? payload : payload.substring(0, colon));
    } catch (IllegalArgumentException e) {
      log.debug("Task events: ignoring notification '{}'", payload);
      return;
    }
    Set<Runnable> set = watchers.get(taskId);
    if (set != null) {
      set.forEach(TaskEventFanout::ring);
    }
  }

  private static void ring(Runnable doorbell) {
    try {
      doorbell.run();
    } catch (RuntimeException e) {
      log.warn("Task events: a watcher failed", e);
    }
  }

  @Override
  public void listening(boolean again) {
    if (again) {
      log.info("Task events: listening again; every watcher re-reads from its last seq");
      watchers.values().forEach(set -> set.forEach(TaskEventFanout::ring));
    }
  }
}
