package dev.shipyard.api.notifications;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps {@code notifications} to {@link #KEEP} (migration {@code V7}): every API instance deletes
 * older rows once an hour (a DELETE by age: several instances doing it is harmless). A socket's
 * {@code after=} cursor older than that replays from what is left.
 */
@Component
class NotificationRetention implements SmartLifecycle {

  static final Duration KEEP = Duration.ofDays(7);
  static final Duration EVERY = Duration.ofHours(1);

  private static final Logger log = LoggerFactory.getLogger(NotificationRetention.class);

  private final NotificationStore store;
  private volatile Disposable task;

  NotificationRetention(NotificationStore store) {
    this.store = store;
  }

  @Override
  public void start() {
    task =
        Flux.interval(Duration.ofMinutes(1), EVERY)
            .onBackpressureDrop()
            .concatMap(
                tick ->
                    store
                        .purge(KEEP)
                        .doOnNext(
                            n -> {
                              if (n > 0) {
                                log.info("Notifications: deleted {} older than {}", n, KEEP);
                              }
                            })
                        .onErrorResume(
                            e -> {
                              log.warn("Notifications: cleanup failed: {}", e.toString());
                              return Mono.empty();
                            }),
                1)
            .subscribe();
  }

  @Override
  public void stop() {
    Disposable t = task;
    if (t != null) {
      t.dispose();
    }
  }

  @Override
  public boolean isRunning() {
    Disposable t = task;
    return t != null && !t.isDisposed();
  }
}
