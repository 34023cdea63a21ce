package dev.shipyard.api.tasks;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Fans task events out to the watchers of this API instance: ONE {@code LISTEN
 * shipyard_task_events} connection per instance (outside the pool), whatever the number of
 * watchers. The database announces every inserted event itself (trigger of migration {@code V6},
 * payload {@code <task_id>:<seq>}, on commit), whichever worker wrote it, so every API replica
 * hears every event. A notification only rings a watcher's doorbell: the watcher reads the rows
 * after its last seq from the table, so order and exactly-once come from seq, never from
 * notifications (which may be lost while the connection is down).
 *
 * <p>The connection is checked every {@code PING}; when it is lost it is reopened with backoff (1
 * to 10 s), and once {@code LISTEN} is in force again every watcher is rung, so each re-reads from
 * its last seq and nothing written meanwhile is missed.
 */
@Component
public class TaskEventFanout implements SmartLifecycle {

  static final String CHANNEL = "shipyard_task_events";

  private static final Logger log = LoggerFactory.getLogger(TaskEventFanout.class);
  private static final Duration PING = Duration.ofSeconds(5);

  private final ConnectionFactory factory;
  private final ConcurrentHashMap<UUID, Set<Runnable>> watchers = new ConcurrentHashMap<>();
  private final AtomicBoolean lost = new AtomicBoolean();
  private final AtomicLong notifications = new AtomicLong();
  private volatile int backendPid;
  private volatile boolean listening;
  private volatile Disposable subscription;

  TaskEventFanout(ConnectionFactory pool, ObjectProvider<MeterRegistry> meters) {
    this.factory = unpooled(pool);
    MeterRegistry registry = meters.getIfAvailable();
    if (registry != null) {
      Gauge.builder("shipyard.tasks.watchers", this, TaskEventFanout::watchers)
          .description("WebSocket watchers of task progress on this API instance")
          .register(registry);
      FunctionCounter.builder(
              "shipyard.tasks.notifications", notifications, AtomicLong::doubleValue)
          .description("task event notifications received by this API instance")
          .register(registry);
      Gauge.builder("shipyard.tasks.listening", this, f -> f.listening ? 1 : 0)
          .description("1 while LISTEN shipyard_task_events is in force")
          .register(registry);
    }
  }

  @SuppressWarnings("unchecked")
  private static ConnectionFactory unpooled(ConnectionFactory factory) {
    return factory instanceof Wrapped<?> wrapped
            && wrapped.unwrap() instanceof ConnectionFactory inner
        ? inner
        : factory;
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
    return listening;
  }

  /** The PostgreSQL backend process of the listening connection (0 before the first LISTEN). */
  public int backendPid() {
    return backendPid;
  }

  /** How many watchers this instance has (all tasks). */
  public int watchers() {
    return watchers.values().stream().mapToInt(Set::size).sum();
  }

  /** How many notifications this instance has received since it started. */
  public long notificationsReceived() {
    return notifications.get();
  }

  @Override
  public void start() {
    subscription =
        Flux.usingWhen(Mono.from(factory.create()), this::listen, Connection::close)
            .doOnError(this::lost)
            .retryWhen(
                Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                    .maxBackoff(PING.multipliedBy(2)))
            .subscribe(null, e -> log.error("Task events: listener stopped", e));
  }

  private Flux<Void> listen(Connection connection) {
    if (!(connection instanceof PostgresqlConnection postgres)) {
      return Flux.error(new IllegalStateException("not a PostgreSQL connection: " + connection));
    }
    Flux<Void> announced =
        postgres
            .getNotifications()
            .doOnNext(n -> announced(n.getParameter()))
            .thenMany(Flux.error(new IllegalStateException("notification stream ended")));
    Flux<Void> pings =
        Flux.interval(PING, PING)
            .concatMap(tick -> Mono.from(postgres.validate(ValidationDepth.REMOTE)))
            .concatMap(
                ok ->
                    ok
                        ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException("connection is not valid")));
    return postgres
        .createStatement("SELECT pg_backend_pid() AS pid")
        .execute()
        .flatMap(result -> result.map((row, meta) -> row.get("pid", Integer.class)))
        .doOnNext(pid -> backendPid = pid)
        .thenMany(postgres.createStatement("LISTEN " + CHANNEL).execute())
        .flatMap(PostgresqlResult::getRowsUpdated)
        .then(Mono.fromRunnable(this::listeningNow))
        .thenMany(Flux.merge(announced, pings));
  }

  /** {@code <task_id>:<seq>}: rings the task's watchers (the seq itself is read from the table). */
  private void announced(String payload) {
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

  private void listeningNow() {
    listening = true;
    if (lost.getAndSet(false)) {
      log.info("Task events: listening again; every watcher re-reads from its last seq");
      watchers.values().forEach(set -> set.forEach(TaskEventFanout::ring));
    } else {
      log.debug("Task events: listening on {}", CHANNEL);
    }
  }

  private void lost(Throwable e) {
    listening = false;
    if (!lost.getAndSet(true)) {
      log.warn(
          "Task events: not listening ({}); live progress resumes when it reconnects",
          e.toString());
    }
  }

  @Override
  public void stop() {
    listening = false;
    Disposable s = subscription;
    if (s != null) {
      s.dispose();
    }
  }

  @Override
  public boolean isRunning() {
    Disposable s = subscription;
    return s != null && !s.isDisposed();
  }
}
