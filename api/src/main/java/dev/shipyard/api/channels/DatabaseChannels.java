package dev.shipyard.api.channels;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The API instance's ONE {@code LISTEN} connection (outside the pool) for every PostgreSQL channel
 * it follows: {@code shipyard_identity} (the credential cache), {@code shipyard_task_events} (build
 * and analysis progress) and {@code shipyard_notifications} (the notifications WebSocket). The
 * database announces changes itself (triggers, on commit), whichever process wrote them, so every
 * replica hears every change; one connection serves them all, however many channels and sockets.
 *
 * <p>Each feature {@link #register registers} a {@link Listener} for its channel while the
 * application context is built; the connection is opened at start and {@code LISTEN}s on every
 * registered channel. It is checked every {@code PING}; when it is lost every listener is told
 * ({@link Listener#notListening()}: a notification may have been missed), it is reopened with
 * backoff (1 to 10 s), and once every {@code LISTEN} is in force again each listener hears {@link
 * Listener#listening(boolean) listening(true)} so it can catch up from its own table.
 */
@Component
public class DatabaseChannels implements SmartLifecycle {

  /** What a feature does with the notifications of its channel. */
  public interface Listener {

    /**
     * A notification of the channel with its payload. Runs on the connection's thread: schedule
     * work, never block or do it here.
     */
    void announced(String payload);

    /**
     * {@code LISTEN} is in force; {@code again} when it is after a loss (notifications may have
     * been missed meanwhile).
     */
    default void listening(boolean again) {}

    /** {@code LISTEN} is no longer in force (the connection was lost, or the API stops). */
    default void notListening() {}
  }

  private static final Logger log = LoggerFactory.getLogger(DatabaseChannels.class);
  private static final Duration PING = Duration.ofSeconds(5);

  private final ConnectionFactory factory;
  private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
  private final AtomicBoolean lost = new AtomicBoolean();
  private volatile int backendPid;
  private volatile boolean listening;
  private volatile Disposable subscription;

  DatabaseChannels(ConnectionFactory pool) {
    this.factory = unpooled(pool);
  }

  @SuppressWarnings("unchecked")
  private static ConnectionFactory unpooled(ConnectionFactory factory) {
    return factory instanceof Wrapped<?> wrapped
            && wrapped.unwrap() instanceof ConnectionFactory inner
        ? inner
        : factory;
  }

  /**
   * Follows {@code channel} (a plain identifier) with {@code listener}; before {@link #start()}
   * only (while the context is built), so the connection listens on everything from the first.
   */
  public void register(String channel, Listener listener) {
    if (!channel.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a channel name: " + channel);
    }
    if (isRunning()) {
      throw new IllegalStateException("channels are registered before the listener starts");
    }
    listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
  }

  /** Whether {@code LISTEN} is in force now (on every registered channel). */
  public boolean listening() {
    return listening;
  }

  /** The PostgreSQL backend process of the listening connection (0 before the first LISTEN). */
  public int backendPid() {
    return backendPid;
  }

  @Override
  public void start() {
    if (listeners.isEmpty()) {
      return;
    }
    subscription =
        Flux.usingWhen(Mono.from(factory.create()), this::listen, Connection::close)
            .doOnError(this::lost)
            .retryWhen(
                Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                    .maxBackoff(PING.multipliedBy(2)))
            .subscribe(null, e -> log.error("Database channels: listener stopped", e));
  }

  private Flux<Void> listen(Connection connection) {
    if (!(connection instanceof PostgresqlConnection postgres)) {
      return Flux.error(new IllegalStateException("not a PostgreSQL connection: " + connection));
    }
    Flux<Void> announced =
        postgres
            .getNotifications()
            .doOnNext(n -> announced(n.getName(), n.getParameter()))
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
        .thenMany(
            Flux.fromIterable(listeners.keySet())
                .concatMap(channel -> postgres.createStatement("LISTEN " + channel).execute())
                .flatMap(PostgresqlResult::getRowsUpdated))
        .then(Mono.fromRunnable(this::listeningNow))
        .thenMany(Flux.merge(announced, pings));
  }

  private void announced(String channel, String payload) {
    List<Listener> of = listeners.get(channel);
    if (of == null) {
      return;
    }
    for (Listener listener : of) {
      try {
        listener.announced(payload);
      } catch (RuntimeException e) {
        log.warn("Database channels: a listener of {} failed", channel, e);
      }
    }
  }

  private void listeningNow() {
    listening = true;
    boolean again = lost.getAndSet(false);
    if (again) {
      log.info("Database channels: listening again on {}", listeners.keySet());
    } else {
      log.debug("Database channels: listening on {}", listeners.keySet());
    }
    each(listener -> listener.listening(again));
  }

  private void lost(Throwable e) {
    listening = false;
    if (!lost.getAndSet(true)) {
      log.warn(
          "Database channels: not listening ({}); caches are bypassed and watchers catch up once"
              + " it reconnects",
          e.toString());
    }
    each(Listener::notListening);
  }

  private void each(java.util.function.Consumer<Listener> call) {
    listeners.values().stream()
        .flatMap(List::stream)
        .forEach(
            listener -> {
              try {
                call.accept(listener);
              } catch (RuntimeException e) {
                log.warn("Database channels: a listener failed", e);
              }
            });
  }

  @Override
  public void stop() {
    listening = false;
    Disposable s = subscription;
    if (s != null) {
      s.dispose();
    }
    each(Listener::notListening);
  }

  @Override
  public boolean isRunning() {
    Disposable s = subscription;
    return s != null && !s.isDisposed();
  }
}
