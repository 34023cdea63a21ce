package dev.shipyard.outbound;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * One circuit breaker and one bulkhead per outbound dependency (resilience4j), shared by every
 * activity of a worker: the LLM endpoint, the Kubernetes API, the GitHub API, each webhook host,
 * each registry. When a dependency fails (the caller says which failures are its outages: network
 * errors, timeouts, 5xx, 429; a refusal such as a 4xx is an answer, not an outage), the breaker
 * opens after {@code failureRatePercent} of the last {@code window} calls failed (at least {@code
 * minimumCalls}), and for {@code openFor} every call fails at once with {@link
 * OutboundUnavailableException} instead of each waiting for its own timeout; then a few trial calls
 * decide whether it closes. The bulkhead bounds the calls in flight per dependency. Retries are
 * Temporal's: a refused call is a retryable activity failure.
 *
 * <p>Dependency names are hosts or fixed words, never URLs with paths or credentials: they are
 * metric tags and appear in messages.
 */
public final class OutboundBreakers {

  /** The settings of every breaker and bulkhead. */
  public record Settings(
      float failureRatePercent,
      int minimumCalls,
      int window,
      Duration openFor,
      int trialCalls,
      int maxConcurrentCalls) {

    /** 50 % of the last 20 calls (10 at least), open 30 s, 3 trial calls, 25 calls in flight. */
    public static Settings defaults() {
      return new Settings(50, 10, 20, Duration.ofSeconds(30), 3, 25);
    }
  }

  private final Settings settings;
  private final CircuitBreakerRegistry breakers;
  private final BulkheadRegistry bulkheads;

  public OutboundBreakers(Settings settings) {
    this.settings = settings;
    this.breakers = CircuitBreakerRegistry.ofDefaults();
    this.bulkheads =
        BulkheadRegistry.of(
            BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .build());
  }

  public static OutboundBreakers withDefaults() {
    return new OutboundBreakers(Settings.defaults());
  }

  /** The breakers, for metrics ({@code resilience4j_circuitbreaker_*}). */
  public CircuitBreakerRegistry circuitBreakers() {
    return breakers;
  }

  /** The bulkheads, for metrics. */
  public BulkheadRegistry bulkheads() {
    return bulkheads;
  }

  /**
   * The guard of the dependency {@code name}: {@code outage} says which exceptions are its
   * failures, {@code outageResult} which answers are (for example an HTTP status of 500 or more).
   * The first caller's predicates configure the breaker of a name; every caller of one dependency
   * passes the same ones.
   */
  public <T> Dependency<T> dependency(
      String name, Predicate<Throwable> outage, Predicate<? super T> outageResult) {
    CircuitBreakerConfig config =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(settings.window())
            .minimumNumberOfCalls(settings.minimumCalls())
            .failureRateThreshold(settings.failureRatePercent())
            .waitDurationInOpenState(settings.openFor())
            .permittedNumberOfCallsInHalfOpenState(settings.trialCalls())
            .recordException(outage::test)
            .recordResult(result -> result != null && test(outageResult, result))
            .build();
    return new Dependency<>(name, breakers.circuitBreaker(name, config), bulkheads.bulkhead(name));
  }

  /** A dependency whose answers are never outages (only its exceptions are). */
  public <T> Dependency<T> dependency(String name, Predicate<Throwable> outage) {
    return dependency(name, outage, result -> false);
  }

  @SuppressWarnings("unchecked")
  private static <T> boolean test(Predicate<? super T> predicate, Object result) {
    try {
      return predicate.test((T) result);
    } catch (ClassCastException e) {
      return false;
    }
  }

  /** One dependency's breaker and bulkhead. */
  public final class Dependency<T> {
    private final String name;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;

    private Dependency(String name, CircuitBreaker breaker, Bulkhead bulkhead) {
      this.name = name;
      this.breaker = breaker;
      this.bulkhead = bulkhead;
    }

    public String name() {
      return name;
    }

    /** The breaker's state: {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ... */
    public CircuitBreaker.State state() {
      return breaker.getState();
    }

    /**
     * Runs {@code call} through the bulkhead and the breaker; throws {@link
     * OutboundUnavailableException} without calling when the breaker is open or the bulkhead full,
     * else what {@code call} throws.
     */
    public T call(Callable<T> call) throws Exception {
      try {
        return Bulkhead.decorateCallable(bulkhead, CircuitBreaker.decorateCallable(breaker, call))
            .call();
      } catch (CallNotPermittedException e) {
        CircuitBreaker.Metrics m = breaker.getMetrics();
        throw new OutboundUnavailableException(
            name
                + " is failing ("
                + Math.round(m.getFailureRate())
                + "% of its last "
                + (m.getNumberOfFailedCalls() + m.getNumberOfSuccessfulCalls())
                + " calls failed): calls to it are suspended for up to "
                + settings.openFor().toSeconds()
                + " s");
      } catch (BulkheadFullException e) {
        throw new OutboundUnavailableException(
            name + " has " + settings.maxConcurrentCalls() + " calls in flight already");
      }
    }
  }
}
