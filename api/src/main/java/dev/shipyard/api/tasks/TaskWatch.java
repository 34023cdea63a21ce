package dev.shipyard.api.tasks;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * What one WebSocket client of one task receives, in order:
 *
 * <ol>
 *   <li>{@code connected};
 *   <li>without {@code after}: the current state (the latest event as a progress, completion or
 *       error message, or {@code initializing} before the first event); with {@code after=N}: every
 *       event with seq above N, each once, in seq order, not coalesced (the last of them is the
 *       current state; nothing when the client is already up to date);
 *   <li>live events as they are written, with progress coalesced to at most one message per {@link
 *       #PROGRESS_INTERVAL} (intermediate progress is skipped, the latest one is always delivered
 *       within the interval, completion and error are never skipped and flush a pending progress
 *       first);
 *   <li>after completion or error the stream ends (the socket is closed normally).
 * </ol>
 *
 * All state is touched on one {@link Scheduler.Worker} (one task at a time), nothing blocks: the
 * doorbell of {@link TaskEventFanout} only schedules a read, reads go through R2DBC, and a read is
 * repeated when the doorbell rang during it.
 */
final class TaskWatch {

  /** At most one progress message per interval: about 10 per second. */
  static final Duration PROGRESS_INTERVAL = Duration.ofMillis(100);

  /** Events per read. */
  static final int PAGE = 200;

  private static final Logger log = LoggerFactory.getLogger(TaskWatch.class);

  private final TaskKind kind;
  private final UUID taskId;
  private final Long after;
  private final TaskEventStore store;
  private final TaskEventFanout fanout;
  private final Clock clock;
  private final Sinks.Many<Map<String, Object>> out = Sinks.many().unicast().onBackpressureBuffer();
  private final Scheduler.Worker worker = Schedulers.parallel().createWorker();
  private final AtomicInteger doorbell = new AtomicInteger();

  // Touched on the worker only.
  private long lastSeq;
  private boolean started;
  private boolean replaying;
  private volatile boolean done;
  private TaskEvent pending;
  private Disposable flushTimer;
  private long lastProgressNanos;
  private boolean progressSent;
  private volatile Disposable registration;

  TaskWatch(
      TaskKind kind,
      UUID taskId,
      Long after,
      TaskEventStore store,
      TaskEventFanout fanout,
      Clock clock) {
    this.kind = kind;
    this.taskId = taskId;
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
    // Registered before the first read: an event written from now on rings, none is missed.
    registration = fanout.watch(taskId, this::ring);
    if (done) {
      registration.dispose(); // cancelled meanwhile
      return;
    }
    emit(TaskMessages.connected(kind, taskId, clock.instant()));
    store
        .current(kind, taskId)
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty()) // the task is gone
        .subscribe(
            state -> schedule(() -> state.ifPresentOrElse(this::begin, this::finish)),
            this::failed);
  }

  private void begin(TaskEvent state) {
    if (done) {
      return;
    }
    if (after == null) {
      emit(TaskMessages.of(taskId, state));
      lastSeq = state.seq();
      if (state.terminal()) {
        finish();
        return;
      }
    } else {
      lastSeq = after;
      replaying = true;
      if (state.terminal() && state.seq() <= after) {
        if (state.seq() == 0) {
          emit(TaskMessages.of(taskId, state)); // ended before any event: its end is news
        }
        finish();
        return;
      }
    }
    started = true;
    ring();
  }

  /** The doorbell: an event of this task was announced (or the listener reconnected). */
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
    store
        .after(kind, taskId, lastSeq, PAGE)
        .collectList()
        .subscribe(page -> schedule(() -> onPage(page)), this::failed);
  }

  private void onPage(List<TaskEvent> page) {
    if (done) {
      return;
    }
    for (TaskEvent event : page) {
      if (event.seq() <= lastSeq) {
        continue;
      }
      lastSeq = event.seq();
      deliver(event);
      if (done) {
        return;
      }
    }
    if (page.size() == PAGE) {
      read();
      return;
    }
    replaying = false; // what existed at connect time has been replayed
    if (doorbell.decrementAndGet() > 0) {
      doorbell.set(1);
      read();
    }
  }

  private void deliver(TaskEvent event) {
    if (event.terminal()) {
      flushPending();
      emit(TaskMessages.of(taskId, event));
      finish();
      return;
    }
    if (replaying) {
      emit(TaskMessages.of(taskId, event));
      return;
    }
    long now = System.nanoTime();
    long interval = PROGRESS_INTERVAL.toNanos();
    long since = now - lastProgressNanos;
    if (pending == null && (!progressSent || since >= interval)) {
      sendProgress(event, now);
      return;
    }
    pending = event;
    if (flushTimer == null) {
      long wait = progressSent ? Math.max(0, interval - since) : 0;
      try {
        flushTimer = worker.schedule(this::flush, wait, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        done = true; // disposed meanwhile: the watch is over
      }
    }
  }

  private void flush() {
    flushTimer = null;
    if (!done && pending != null) {
      TaskEvent event = pending;
      pending = null;
      sendProgress(event, System.nanoTime());
    }
  }

  private void flushPending() {
    if (flushTimer != null) {
      flushTimer.dispose();
      flushTimer = null;
    }
    if (pending != null) {
      emit(TaskMessages.of(taskId, pending));
      pending = null;
    }
  }

  private void sendProgress(TaskEvent event, long now) {
    emit(TaskMessages.of(taskId, event));
    lastProgressNanos = now;
    progressSent = true;
  }

  private void emit(Map<String, Object> message) {
    if (!done) {
      out.tryEmitNext(message);
    }
  }

  private void finish() {
    if (!done) {
      done = true;
      out.tryEmitComplete();
    }
  }

  private void failed(Throwable e) {
    schedule(
        () -> {
          if (!done) {
            log.warn("Task events: watch of {} {} failed: {}", kind.value(), taskId, e.toString());
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
