package dev.shipyard.api.health;

import com.google.common.util.concurrent.ListenableFuture;
import dev.shipyard.api.config.ShipyardProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Real, non-blocking checks of what the API depends on: PostgreSQL ({@code SELECT 1}), Temporal
 * ({@code GetSystemInfo}), object storage ({@code HeadBucket}) and, when configured, Redis ({@code
 * PING}). Each check has a deadline so a hung dependency reads as unhealthy, not as a hung probe.
 */
@Component
public class ComponentChecks implements SmartInitializingSingleton {

  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final DatabaseClient database;
  private final WorkflowServiceStubs temporal;
  private final S3AsyncClient s3;
  private final String bucket;
  private final RedisClient redisClient;
  private final RedisURI redisUri;
  private volatile StatefulRedisConnection<String, String> redis;

  ComponentChecks(
      DatabaseClient database,
      WorkflowServiceStubs temporal,
      S3AsyncClient s3,
      ShipyardProperties properties) {
    this.database = database;
    this.temporal = temporal;
    this.s3 = s3;
    this.bucket = properties.storage().bucket();
    boolean redisConfigured = properties.redis().configured();
    this.redisUri = redisConfigured ? RedisURI.create(properties.redis().url()) : null;
    this.redisClient = redisConfigured ? RedisClient.create() : null;
  }

  /**
   * One round of checks while the application starts, on the starting thread, before the server
   * takes requests: the clients' first call (connection pools, the S3 SDK's event loop and request
   * pipeline) is then not paid by the first readiness probe, which on a busy machine could take
   * longer than {@link #TIMEOUT} and report a healthy component unhealthy.
   */
  @Override
  public void afterSingletonsInstantiated() {
    // Each check ends within TIMEOUT and never fails; the bound keeps a slow start from hanging.
    checkAll().timeout(TIMEOUT.multipliedBy(3)).onErrorResume(e -> Mono.empty()).block();
  }

  /** Checks every component concurrently. */
  public Mono<List<ComponentHealth>> checkAll() {
    return Flux.mergeSequential(database(), temporal(), storage(), cache()).collectList();
  }

  Mono<ComponentHealth> database() {
    return timed("database", () -> database.sql("SELECT 1").map(row -> row.get(0)).first().then());
  }

  Mono<ComponentHealth> temporal() {
    return timed(
        "temporal",
        () ->
            fromListenable(
                    temporal
                        .futureStub()
                        .withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance()))
                .then());
  }

  Mono<ComponentHealth> storage() {
    return timed(
        "storage", () -> Mono.fromFuture(() -> s3.headBucket(b -> b.bucket(bucket))).then());
  }

  Mono<ComponentHealth> cache() {
    if (redisClient == null) {
      return Mono.just(
          new ComponentHealth(
              "cache", ComponentHealth.DISABLED, "in-memory (REDIS_URL not set)", 0));
    }
    return timed("cache", () -> redisConnection().flatMap(c -> c.reactive().ping()).then());
  }

  private Mono<StatefulRedisConnection<String, String>> redisConnection() {
    StatefulRedisConnection<String, String> current = redis;
    if (current != null && current.isOpen()) {
      return Mono.just(current);
    }
    return Mono.fromCompletionStage(() -> redisClient.connectAsync(StringCodec.UTF8, redisUri))
        .doOnNext(c -> redis = c);
  }

  private static Mono<ComponentHealth> timed(String name, Supplier<Mono<Void>> check) {
    return Mono.defer(
        () -> {
          long start = System.nanoTime();
          return Mono.defer(check)
              .timeout(TIMEOUT)
              .then(
                  Mono.fromSupplier(
                      () ->
                          new ComponentHealth(
                              name, ComponentHealth.HEALTHY, null, millisSince(start))))
              .onErrorResume(
                  e ->
                      Mono.just(
                          new ComponentHealth(
                              name, ComponentHealth.UNHEALTHY, describe(e), millisSince(start))));
        });
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /** A short reason, without credentials: the root cause's type and message. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (e instanceof java.util.concurrent.TimeoutException) {
      return "no answer within " + TIMEOUT.toMillis() + " ms";
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static <T> Mono<T> fromListenable(ListenableFuture<T> future) {
    return Mono.create(
        sink -> {
          sink.onCancel(() -> future.cancel(true));
          future.addListener(
              () -> {
                try {
                  sink.success(future.get());
                } catch (ExecutionException e) {
                  sink.error(e.getCause());
                } catch (Exception e) {
                  sink.error(e);
                }
              },
              Runnable::run);
        });
  }

  @PreDestroy
  void close() {
    if (redis != null) {
      redis.close();
    }
    if (redisClient != null) {
      redisClient.shutdown();
    }
  }
}
