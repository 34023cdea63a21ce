package dev.shipyard.api.security;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
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
 * Listens on PostgreSQL channel {@value #CHANNEL} with a connection of its own (outside the pool)
 * and drops what {@link CredentialCache} holds about each announced session, user or API key. The
 * database announces the changes itself (triggers of migration {@code V5}), on commit, whichever
 * API instance or tool made them. The connection is checked every {@code PING}; when it is lost the
 * cache is bypassed until {@code LISTEN} is in force again (retried every 1 to 10 s).
 */
@Component
class IdentityChanges implements SmartLifecycle {

  static final String CHANNEL = "shipyard_identity";

  private static final Logger log = LoggerFactory.getLogger(IdentityChanges.class);
  private static final Duration PING = Duration.ofSeconds(5);

  private final ConnectionFactory factory;
  private final CredentialCache cache;
  private final AtomicBoolean lost = new AtomicBoolean();
  private volatile Disposable subscription;

  IdentityChanges(ConnectionFactory pool, CredentialCache cache) {
    this.factory = unpooled(pool);
    this.cache = cache;
  }

  @SuppressWarnings("unchecked")
  private static ConnectionFactory unpooled(ConnectionFactory factory) {
    return factory instanceof Wrapped<?> wrapped
            && wrapped.unwrap() instanceof ConnectionFactory inner
        ? inner
        : factory;
  }

  @Override
  public void start() {
    subscription =
        Flux.usingWhen(Mono.from(factory.create()), this::listen, Connection::close)
            .doOnError(this::lost)
            .retryWhen(
                Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                    .maxBackoff(PING.multipliedBy(2)))
            .subscribe(null, e -> log.error("Identity changes: listener stopped", e));
  }

  private Flux<Void> listen(Connection connection) {
    if (!(connection instanceof PostgresqlConnection postgres)) {
      return Flux.error(new IllegalStateException("not a PostgreSQL connection: " + connection));
    }
    Flux<Void> notifications =
        postgres
            .getNotifications()
            .doOnNext(n -> cache.apply(n.getParameter()))
            .thenMany(Flux.error(new IllegalStateException("notification stream ended")));
    Flux<Void> pings =
        Flux.interval(PING, PING)
            .concatMap(tick -> Mono.from(postgres.validate(io.r2dbc.spi.ValidationDepth.REMOTE)))
            .concatMap(
                ok ->
                    ok
                        ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException("connection is not valid")));
    return postgres
        .createStatement("LISTEN " + CHANNEL)
        .execute()
        .flatMap(PostgresqlResult::getRowsUpdated)
        .then(Mono.fromRunnable(this::listening))
        .thenMany(Flux.merge(notifications, pings));
  }

  private void listening() {
    cache.listening();
    if (lost.getAndSet(false)) {
      log.info("Identity changes: listening again; the credential cache is back in use");
    } else {
      log.debug("Identity changes: listening on {}", CHANNEL);
    }
  }

  private void lost(Throwable e) {
    cache.notListening();
    if (!lost.getAndSet(true)) {
      log.warn(
          "Identity changes: not listening ({}); every request reads the database until it"
              + " reconnects",
          e.toString());
    }
  }

  @Override
  public void stop() {
    cache.notListening();
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
