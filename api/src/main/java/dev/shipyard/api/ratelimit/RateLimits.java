package dev.shipyard.api.ratelimit;

import dev.shipyard.api.config.ShipyardProperties;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ErrorResponses;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.CallerAuthentication;
import dev.shipyard.api.security.ClientIp;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Rate limits per caller and class (README: Rate limits). Runs inside the security chain right
 * after authentication ({@link RateLimitFilter}), so the caller is known: an API key or a user, or
 * the client IP when anonymous (a refused token is anonymous, and still counted). The class is the
 * handler's {@link RateLimit}, {@link RateClass#STANDARD} when it has none or the route is unknown.
 *
 * <p>Every counted response carries {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and
 * {@code X-RateLimit-Reset} (UNIX seconds when the bucket is full again); a request over the limit
 * answers 429 with {@code Retry-After} in its API family's error shape. Health, metrics and API
 * documentation are not limited. Buckets live in memory, or in Redis when {@code REDIS_URL} is set.
 */
@Component
public class RateLimits implements DisposableBean {

  public static final String LIMIT = "X-RateLimit-Limit";
  public static final String REMAINING = "X-RateLimit-Remaining";
  public static final String RESET = "X-RateLimit-Reset";

  /** Paths (and everything below them) that are never limited: probes, metrics, API docs. */
  static final List<String> EXEMPT =
      List.of(
          "/health",
          "/api/health",
          "/api/v2/health",
          "/api/v2/metrics",
          "/actuator",
          "/v3/api-docs",
          "/v3/api-docs.yaml",
          "/swagger-ui.html",
          "/swagger-ui",
          "/webjars");

  private static final Logger log = LoggerFactory.getLogger(RateLimits.class);

  private final RateLimitProperties properties;
  private final ErrorResponses errors;
  private final ObjectProvider<RequestMappingHandlerMapping> handlers;
  private final ObjectProvider<MeterRegistry> meters;
  private final LocalBuckets local;
  private final RedisBuckets redis;
  private final Clock clock = Clock.systemUTC();

  public RateLimits(
      RateLimitProperties properties,
      ShipyardProperties shipyard,
      ErrorResponses errors,
      @Qualifier("requestMappingHandlerMapping")
          ObjectProvider<RequestMappingHandlerMapping> handlers,
      ObjectProvider<MeterRegistry> meters) {
    this.properties = properties;
    this.errors = errors;
    this.handlers = handlers;
    this.meters = meters;
    this.local = new LocalBuckets(properties.window());
    if (!properties.enabled()) {
      log.info("Rate limits are off (RATE_LIMIT_ENABLED=false)");
      this.redis = null;
    } else if (shipyard.redis() != null && shipyard.redis().configured()) {
      this.redis = new RedisBuckets(shipyard.redis().url(), properties.window(), local);
    } else {
      log.info(
          "Rate limits are counted in this instance's memory; set REDIS_URL to share them across"
              + " API instances");
      this.redis = null;
    }
  }

  public Mono<Void> apply(ServerWebExchange exchange, WebFilterChain chain) {
    if (!properties.enabled() || exempt(exchange.getRequest().getPath().value())) {
      return chain.filter(exchange);
    }
    return Mono.zip(rateClass(exchange), caller())
        .flatMap(
            found -> {
              Quota quota =
                  Quota.of(
                      found.getT1(), found.getT2().orElse(null), ClientIp.of(exchange), properties);
              return consume(quota).flatMap(probe -> answer(exchange, chain, quota, probe));
            });
  }

  private Mono<ConsumptionProbe> consume(Quota quota) {
    return redis != null
        ? redis.tryConsume(quota)
        : Mono.fromSupplier(() -> local.tryConsume(quota));
  }

  private Mono<Void> answer(
      ServerWebExchange exchange, WebFilterChain chain, Quota quota, ConsumptionProbe probe) {
    HttpHeaders headers = exchange.getResponse().getHeaders();
    long nowMillis = clock.millis();
    headers.set(LIMIT, Integer.toString(quota.limit()));
    headers.set(REMAINING, Long.toString(Math.max(0, probe.getRemainingTokens())));
    headers.set(RESET, Long.toString(resetEpochSeconds(nowMillis, probe.getNanosToWaitForReset())));
    if (probe.isConsumed()) {
      return chain.filter(exchange);
    }
    long retryAfter = retryAfterSeconds(probe.getNanosToWaitForRefill());
    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
    MeterRegistry registry = meters.getIfAvailable();
    if (registry != null) {
      registry
          .counter("shipyard.rate_limit.rejected", "class", quota.rateClass().value())
          .increment();
    }
    return errors.write(
        exchange,
        ApiError.of(
            HttpStatus.TOO_MANY_REQUESTS,
            "RATE_LIMIT_EXCEEDED",
            "Too many requests; retry in "
                + retryAfter
                + (retryAfter == 1 ? " second" : " seconds")));
  }

  /** The handler's class, without the side effects of a full handler lookup (CORS). */
  private Mono<RateClass> rateClass(ServerWebExchange exchange) {
    RequestMappingHandlerMapping mapping = handlers.getIfAvailable();
    if (mapping == null) {
      return Mono.just(RateClass.STANDARD);
    }
    return mapping
        .getHandlerInternal(exchange)
        .map(RateLimits::classOf)
        // No match (404, 405, 415...): the request fails anyway, and counts as standard.
        .onErrorResume(e -> Mono.empty())
        .defaultIfEmpty(RateClass.STANDARD);
  }

  static RateClass classOf(HandlerMethod handler) {
    RateLimit limit = handler.getMethodAnnotation(RateLimit.class);
    if (limit == null) {
      limit = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), RateLimit.class);
    }
    return limit == null ? RateClass.STANDARD : limit.value();
  }

  private static Mono<Optional<Caller>> caller() {
    return ReactiveSecurityContextHolder.getContext()
        .mapNotNull(SecurityContext::getAuthentication)
        .filter(CallerAuthentication.class::isInstance)
        .map(auth -> Optional.of(((CallerAuthentication) auth).getPrincipal()))
        .defaultIfEmpty(Optional.empty());
  }

  /** Whether requests to {@code path} are never limited (probes, metrics, API docs). */
  public static boolean exempt(String path) {
    for (String root : EXEMPT) {
      if (path.equals(root) || (path.startsWith(root) && path.charAt(root.length()) == '/')) {
        return true;
      }
    }
    return false;
  }

  /** UNIX seconds (rounded up) when a bucket {@code nanosToFull} from full is full again. */
  static long resetEpochSeconds(long nowMillis, long nanosToFull) {
    return ceilDiv(nowMillis + ceilDiv(nanosToFull, 1_000_000L), 1000L);
  }

  /** Whole seconds to wait for the next token, at least 1. */
  static long retryAfterSeconds(long nanosToRefill) {
    return Math.max(1, ceilDiv(nanosToRefill, 1_000_000_000L));
  }

  private static long ceilDiv(long x, long y) {
    return -Math.floorDiv(-x, y);
  }

  @Override
  public void destroy() {
    if (redis != null) {
      redis.close();
    }
  }
}
