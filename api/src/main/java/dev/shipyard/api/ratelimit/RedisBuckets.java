package dev.shipyard.api.ratelimit;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Buckets in Redis, shared by every API instance that points at the same server: bucket4j's
 * compare-and-swap proxy on one lettuce connection, used only through bucket4j's async API so the
 * event loop never waits for Redis.
 *
 * <p>The connection is opened at startup. When Redis cannot be reached (at startup or later), each
 * request is counted in this instance's {@link LocalBuckets} instead: limits then hold per instance
 * rather than across instances, nothing answers 500, and one WARN line says so (one INFO line when
 * Redis answers again). Lettuce reconnects a lost connection by itself; a connection that never
 * opened is retried at most every {@link #RECONNECT_INTERVAL}.
 */
final class RedisBuckets implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisBuckets.class);

  /** Longest wait for Redis on a request before it is counted in memory instead. */
  static final Duration TIMEOUT = Duration.ofSeconds(1);

  static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(5);

  /** Prefix of every bucket key in Redis. */
  static final String KEY_PREFIX = "shipyard:rate-limit:";

  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisClient client;
  private final RedisURI uri;
  private final String address;
  private final Duration window;
  private final LocalBuckets fallback;
  private final AtomicBoolean connecting = new AtomicBoolean();
  private final AtomicBoolean degraded = new AtomicBoolean();
  private volatile StatefulRedisConnection<String, byte[]> connection;
  private volatile AsyncProxyManager<String> buckets;
  private volatile long nextConnectAttempt;

  /** Connects now, on the calling (startup) thread; on failure, counts in memory meanwhile. */
  RedisBuckets(String url, Duration window, LocalBuckets fallback) {
    this.uri = RedisURI.create(url);
    this.uri.setTimeout(TIMEOUT);
    this.address = uri.getHost() + ":" + uri.getPort();
    this.window = window;
    this.fallback = fallback;
    this.client = RedisClient.create();
    client.setOptions(
        ClientOptions.builder()
            // While disconnected, fail at once (and count in memory) rather than queue requests.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
            .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
            .build());
    try {
      use(client.connect(CODEC, uri));
      log.info("Rate limits are shared through Redis at {}", address);
    } catch (RuntimeException e) {
      nextConnectAttempt = System.nanoTime() + RECONNECT_INTERVAL.toNanos();
      degrade(e);
    }
  }

  private void use(StatefulRedisConnection<String, byte[]> opened) {
    connection = opened;
    buckets =
        Bucket4jLettuce.casBasedBuilder(opened)
            // A key disappears 10 s after its bucket would be full again: same answer, no memory.
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    Duration.ofSeconds(10)))
            .build()
            .asAsync();
  }

  /** Takes one token from the shared bucket of {@code quota}, or from the local one meanwhile. */
  Mono<ConsumptionProbe> tryConsume(Quota quota) {
    AsyncProxyManager<String> shared = buckets;
    if (shared == null) {
      connectInBackground();
      return Mono.fromSupplier(() -> fallback.tryConsume(quota));
    }
    return Mono.fromFuture(
            () ->
                shared
                    .builder()
                    .build(
                        KEY_PREFIX + quota.key(), LocalBuckets.configuration(quota.limit(), window))
                    .tryConsumeAndReturnRemaining(1))
        .timeout(TIMEOUT)
        .doOnNext(probe -> recovered())
        .onErrorResume(
            e -> {
              degrade(e);
              return Mono.fromSupplier(() -> fallback.tryConsume(quota));
            })
        // Lettuce completes on its own I/O threads: the rest of the request runs elsewhere.
        .publishOn(Schedulers.parallel());
  }

  private void connectInBackground() {
    if (System.nanoTime() - nextConnectAttempt < 0 || !connecting.compareAndSet(false, true)) {
      return;
    }
    Mono.fromCompletionStage(() -> client.connectAsync(CODEC, uri))
        .subscribeOn(Schedulers.boundedElastic())
        .subscribe(
            opened -> {
              use(opened);
              connecting.set(false);
              recovered();
            },
            e -> {
              nextConnectAttempt = System.nanoTime() + RECONNECT_INTERVAL.toNanos();
              connecting.set(false);
            });
  }

  private void degrade(Throwable e) {
    if (degraded.compareAndSet(false, true)) {
      log.warn(
          "Redis at {} does not answer for rate limits ({}); counting requests in this instance's"
              + " memory until it does, so limits now hold per instance",
          address,
          describe(e));
    }
  }

  private void recovered() {
    if (degraded.compareAndSet(true, false)) {
      log.info("Redis at {} answers again; rate limits are shared across instances", address);
    }
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, byte[]> current = connection;
    if (current != null) {
      current.close();
    }
    client.shutdown();
  }
}
