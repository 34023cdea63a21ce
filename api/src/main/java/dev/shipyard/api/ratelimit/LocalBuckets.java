package dev.shipyard.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;

/**
 * Buckets in this instance's memory: lock-free bucket4j buckets in a bounded Caffeine map. A bucket
 * left alone for a whole window has refilled completely, so it is dropped then and recreated full
 * on the next request: the same answer, without the memory.
 */
final class LocalBuckets {

  /** At most this many callers are tracked; the least recently used are dropped first. */
  static final long MAX_BUCKETS = 100_000;

  private final Duration window;
  private final Cache<String, Bucket> buckets;

  LocalBuckets(Duration window) {
    this.window = window;
    this.buckets = Caffeine.newBuilder().maximumSize(MAX_BUCKETS).expireAfterAccess(window).build();
  }

  /** Takes one token from the bucket of {@code quota}, creating it full when new. */
  ConsumptionProbe tryConsume(Quota quota) {
    return buckets
        .get(
            quota.key(),
            key ->
                Bucket.builder()
                    .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE)
                    .addLimit(configuration(quota.limit(), window).getBandwidths()[0])
                    .build())
        .tryConsumeAndReturnRemaining(1);
  }

  /**
   * {@code limit} tokens, refilled greedily at {@code limit} per {@code window}: a caller may burst
   * up to the limit, then gets one more request every {@code window / limit}.
   */
  static BucketConfiguration configuration(int limit, Duration window) {
    return BucketConfiguration.builder()
        .addLimit(bandwidth -> bandwidth.capacity(limit).refillGreedy(limit, window))
        .build();
  }
}
