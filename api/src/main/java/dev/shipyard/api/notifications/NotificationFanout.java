package dev.shipyard.api.notifications;

import dev.shipyard.api.channels.DatabaseChannels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;

/**
 * Fans stored notifications out to the sockets of this API instance. The database announces every
 * new row of {@code notifications} on channel {@value #CHANNEL} (trigger of migration {@code V7},
 * payload the row's ID), heard on the instance's one listening connection ({@link
 * DatabaseChannels}); when the instance has sockets at all, it looks up whose row it is and rings
 * that user's sockets, which read what they have not sent yet from the table (so order and
 * exactly-once come from the table, not from the announcements, which may be lost while the
 * connection is down: after a reconnection every socket is rung). Also keeps this instance's
 * figures for {@code GET /v1/notifications/stats}.
 */
@Component
class NotificationFanout implements DatabaseChannels.Listener {

  static final String CHANNEL = "shipyard_notifications";

  private static final Logger log = LoggerFactory.getLogger(NotificationFanout.class);

  private final DatabaseChannels channels;
  private final NotificationStore store;
  private final ConcurrentHashMap<UUID, Set<Runnable>> sockets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> sentByType = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong announcements = new AtomicLong();
  private final Instant since;
  private final MeterRegistry meters;

  NotificationFanout(
      DatabaseChannels channels,
      NotificationStore store,
      Clock clock,
      ObjectProvider<MeterRegistry> meters) {
    this.channels = channels;
    this.store = store;
    this.since = clock.instant();
    this.meters = meters.getIfAvailable();
    channels.register(CHANNEL, this);
    if (this.meters != null) {
      Gauge.builder("shipyard.notifications.connections", this, NotificationFanout::connections)
          .description("notification WebSockets open on this API instance")
          .register(this.meters);
    }
  }

  /**
   * Rings {@code doorbell} whenever a notification of {@code user} is announced, and after every
   * reconnection of the listener; it must only schedule work. Dispose the result to stop.
   */
  Disposable watch(UUID user, Runnable doorbell) {
    sockets.compute(
        user,
        (id, set) -> {
          Set<Runnable> s = set != null ? set : ConcurrentHashMap.newKeySet();
          s.add(doorbell);
          return s;
        });
    return () ->
        sockets.computeIfPresent(
            user,
            (id, set) -> {
              set.remove(doorbell);
              return set.isEmpty() ? null : set;
            });
  }

  /** Counts one message sent to a client. */
  void sent(String type) {
    sent.incrementAndGet();
    sentByType.computeIfAbsent(type, t -> new LongAdder()).increment();
    if (meters != null) {
      Counter.builder("shipyard.notifications.sent")
          .description("notification messages sent to WebSocket clients by this API instance")
          .tag("type", type)
          .register(meters)
          .increment();
    }
  }

  /** Open notification sockets on this instance. */
  int connections() {
    return sockets.values().stream().mapToInt(Set::size).sum();
  }

  /** Users with at least one open socket on this instance. */
  int usersConnected() {
    return sockets.size();
  }

  long messagesSent() {
    return sent.get();
  }

  /** Messages sent per type, sorted by type. */
  Map<String, Long> messagesByType() {
    Map<String, Long> byType = new TreeMap<>();
    sentByType.forEach((type, n) -> byType.put(type, n.sum()));
    return byType;
  }

  /** When this instance started counting. */
  Instant since() {
    return since;
  }

  /** Announcements heard since the start. */
  long announcements() {
    return announcements.get();
  }

  boolean listening() {
    return channels.listening();
  }

  @Override
  public void announced(String payload) {
    announcements.incrementAndGet();
    if (sockets.isEmpty() || payload == null) {
      return;
    }
    long id;
    try {
      id = Long.parseLong(payload.trim());
    } catch (NumberFormatException e) {
      log.debug("Notifications: ignoring announcement '{}'", payload);
      return;
    }
    store
        .userOf(id)
        .subscribe(
            user -> {
              Set<Runnable> set = sockets.get(user);
              if (set != null) {
                set.forEach(NotificationFanout::ring);
              }
            },
            e -> {
              log.warn("Notifications: cannot read notification {}: {}", id, e.toString());
              ringAll(); // each socket reads its own rows: nothing is lost, some read for nothing
            });
  }

  @Override
  public void listening(boolean again) {
    if (again) {
      log.info("Notifications: listening again; every socket reads what it missed");
      ringAll();
    }
  }

  private void ringAll() {
    sockets.values().forEach(set -> set.forEach(NotificationFanout::ring));
  }

  private static void ring(Runnable doorbell) {
    try {
      doorbell.run();
    } catch (RuntimeException e) {
      log.warn("Notifications: a socket failed", e);
    }
  }
}
