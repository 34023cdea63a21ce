package dev.shipyard.api.ratelimit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rate-limit class of a handler method (or of every handler of a controller). Handlers without
 * it count as {@link RateClass#STANDARD}:
 *
 * <pre>{@code
 * @RateLimit(RateClass.HEAVY)
 * @PostMapping("/generate/robust-capsule")
 * Mono<...> generate(...) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RateLimit {
  RateClass value();
}
