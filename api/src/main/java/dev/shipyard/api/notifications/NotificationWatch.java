package dev.shipyard.api.notifications;

import dev.shipyard.api.notifications.NotificationStore.Notification;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * What one notifications socket of one user receives: {@code connected} (with {@code last_id}, the
 * cursor the socket starts after), then, with {@code after=N}, every stored notification of the
 * user above N in ID order (each once), then every new one as it is written, each as the stored
 * event ({@code type, deployment_id, timestamp, data}) with its {@code id} added. Without {@code
 * after} it starts after the user's newest notification.
 *
 * <p>All state lives on one {@link Scheduler.Worker}; the doorbell of {@link NotificationFanout}
 * only schedules a read, reads are R2DBC, and a read is repeated when the doorbell rang during it.
 * A row that commits after a higher ID was already sent (IDs are taken before commit) is still
 * delivered when it commits within {@link #LOOKBACK}.
 */
final class NotificationWatch {

  /** How long a late-committing row is still looked for. */
  static final Duration LOOKBACK = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(NotificationWatch.class);

  private final UUID user;
  private final Long after;
  private final NotificationStore store;
  private final NotificationFanout fanout;
  private final Clock clock;
  private final Sinks.Many<Map<String, Object>> out = Sinks.many().unicast().onBackpressureBuffer();
  private final Scheduler.Worker worker = Schedulers.parallel().createWorker();
  private final AtomicInteger doorbell = new AtomicInteger();

  // Touched on the worker only.
  private long floor;
  private long high;
  private boolean started;
  private final TreeMap<Long, Long> sentAt = new TreeMap<>(); // id -> nanoTime sent
  private volatile boolean done;
  private volatile Disposable registration;

  NotificationWatch(
      UUID user, Long after, NotificationStore store, NotificationFanout fanout, Clock clock) {
    this.user = user;
    this.after = after;
    this.store = store;
    this.fanout = fanout;
    this.clock = clock;
  }

  /** The messages, started on subscription; cancelling stops the watch. */
  Flux<Map<String, Object>> messages() {
    return out.asFlux()
        .doOnSubscribe(s -> worker.schedule(this::start))
        .doFinally(signal -> dispose());
  }

  private void start() {
    if (done) {
      return;
    }
    // Registered before the first read: a row written from now on rings, none is missed.
    registration = fanout.watch(user, this::ring);
    if (done) {
      registration.dispose();
      return;
    }
    (after != null ? reactor.core.publisher.Mono.just(after) : store.latestId(user))
        .subscribe(start -> schedule(() -> begin(start)), this::failed);
  }

  private void begin(long start) {
    if (done) {
      return;
    }
    floor = start;
    high = start;
    Map<String, Object> connected = new LinkedHashMap<>();
    connected.put("type", NotificationTypes.CONNECTED);
    connected.put("message", "Connected to notifications");
    connected.put("user_id", user.toString());
    connected.put("last_id", start);
    connected.put("timestamp", clock.instant().toString());
    out.tryEmitNext(connected);
    started = true;
    ring();
  }

  private void ring() {
    if (doorbell.getAndIncrement() == 0) {
      schedule(this::read);
    }
  }

  private void read() {
    if (done) {
      return;
    }
    if (!started) {
      doorbell.set(0); // begin() rings once it knows where to start
      return;
    }
    prune();
    Long[] sent = sentAt.headMap(high, true).keySet().toArray(Long[]::new);
    store
        .unsent(user, floor, high, LOOKBACK, sent, NotificationStore.PAGE)
        .collectList()
        .subscribe(page -> schedule(() -> onPage(page)), this::failed);
  }

  private void onPage(List<Notification> page) {
    if (done) {
      return;
    }
    long now = System.nanoTime();
    for (Notification n : page) {
      if (sentAt.containsKey(n.id()) || n.id() <= floor) {
        continue;
      }
      Map<String, Object> message = new LinkedHashMap<>();
      message.put("id", n.id());
      message.putAll(n.payload());
      message.putIfAbsent("type", n.type());
      if (out.tryEmitNext(message).isFailure()) {
        return;
      }
      fanout.sent(n.type());
      sentAt.put(n.id(), now);
      high = Math.max(high, n.id());
    }
    if (page.size() == NotificationStore.PAGE) {
      read();
      return;
    }
    if (doorbell.decrementAndGet() > 0) {
      doorbell.set(1);
      read();
    }
  }

  /** Forgets sent IDs older than twice the look-back (the query no longer returns them). */
  private void prune() {
    long limit = System.nanoTime() - LOOKBACK.multipliedBy(2).toNanos();
    List<Long> old = new ArrayList<>();
    for (Iterator<Map.Entry<Long, Long>> it = sentAt.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Long> e = it.next();
      if (e.getValue() - limit < 0) {
        old.add(e.getKey());
      }
    }
    old.forEach(sentAt::remove);
  }

  private void failed(Throwable e) {
    schedule(
        () -> {
          if (!done) {
            log.warn("Notifications: socket of user {} failed: {}", user, e.toString());
            done = true;
            out.tryEmitError(e);
          }
        });
  }

  private void schedule(Runnable task) {
    if (!worker.isDisposed()) {
      try {
        worker.schedule(task);
      } catch (RejectedExecutionException e) {
        // disposed meanwhile: the watch is over
      }
    }
  }

  private void dispose() {
    done = true;
    Disposable r = registration;
    if (r != null) {
      r.dispose();
    }
    worker.dispose();
  }
}
