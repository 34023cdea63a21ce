package dev.shipyard.activities.codegen.llm;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Backoff between retries of transient failures: exponential from {@code baseDelay}, doubled per
 * retry, capped at {@code maxDelay}, with "equal jitter" (a random point in the upper half of the
 * interval). When the server says how long to wait ({@code retry-after-ms} or {@code Retry-After}
 * in seconds or as an HTTP date), that is used instead, capped at {@code maxRetryAfter}.
 */
public record LlmRetryPolicy(Duration baseDelay, Duration maxDelay, Duration maxRetryAfter) {

  /** 1 s, 2 s, 4 s, ... up to 30 s; a server's Retry-After honoured up to 60 s. */
  public static final LlmRetryPolicy DEFAULT =
      new LlmRetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));

  public LlmRetryPolicy {
    if (baseDelay == null
        || maxDelay == null
        || maxRetryAfter == null
        || baseDelay.isNegative()
        || maxDelay.isNegative()
        || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("Retry delays must be zero or positive");
    }
  }

  /**
   * The wait before retry number {@code retry} (1 for the first retry).
   *
   * @param serverDelay what the server asked for, if anything
   * @param random uniform in [0, 1)
   */
  public Duration delay(int retry, Optional<Duration> serverDelay, DoubleSupplier random) {
    if (serverDelay.isPresent()) {
      Duration asked = serverDelay.get().isNegative() ? Duration.ZERO : serverDelay.get();
      return asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked;
    }
    long base = baseDelay.toMillis();
    long max = maxDelay.toMillis();
    int shift = Math.min(Math.max(retry - 1, 0), 30);
    long exp = base > (max >> shift) ? max : Math.min(max, base << shift);
    long half = exp / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (exp - half)));
  }

  /**
   * The server's requested delay from {@code retry-after-ms} (OpenAI) or {@code Retry-After}
   * (seconds or an HTTP date); empty when absent or unreadable.
   */
  static Optional<Duration> serverDelay(
      Optional<String> retryAfterMs, Optional<String> retryAfter, Instant now) {
    if (retryAfterMs.isPresent()) {
      try {
        double ms = Double.parseDouble(retryAfterMs.get().strip());
        if (ms >= 0 && ms < 1e12) {
          return Optional.of(Duration.ofMillis((long) ms));
        }
      } catch (NumberFormatException e) {
        // fall through to Retry-After
      }
    }
    if (retryAfter.isEmpty()) {
      return Optional.empty();
    }
    String value = retryAfter.get().strip();
    try {
      double seconds = Double.parseDouble(value);
      return seconds >= 0 && seconds < 1e9
          ? Optional.of(Duration.ofMillis((long) (seconds * 1000)))
          : Optional.empty();
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }
}
