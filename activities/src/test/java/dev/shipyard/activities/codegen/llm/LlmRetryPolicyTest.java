package dev.shipyard.activities.codegen.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LlmRetryPolicyTest {

  private final LlmRetryPolicy policy = LlmRetryPolicy.DEFAULT;

  @Test
  void exponentialWithEqualJitterCappedAtMaxDelay() {
    // random 0 gives the lower bound (half the interval), random ~1 the upper bound
    assertThat(policy.delay(1, Optional.empty(), () -> 0.0)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.delay(1, Optional.empty(), () -> 0.999999)).isEqualTo(Duration.ofMillis(999));
    assertThat(policy.delay(2, Optional.empty(), () -> 0.0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.delay(3, Optional.empty(), () -> 0.0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.delay(6, Optional.empty(), () -> 0.0)).isEqualTo(Duration.ofSeconds(15));
    assertThat(policy.delay(40, Optional.empty(), () -> 0.999999))
        .isLessThanOrEqualTo(Duration.ofSeconds(30))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(29));
  }

  @Test
  void serverDelayIsHonouredAndCapped() {
    assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(7)), () -> 0.5))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(policy.delay(1, Optional.of(Duration.ofHours(3)), () -> 0.5))
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void readsRetryAfterMsSecondsAndHttpDates() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(LlmRetryPolicy.serverDelay(Optional.of("1500"), Optional.of("9"), now))
        .contains(Duration.ofMillis(1500));
    assertThat(LlmRetryPolicy.serverDelay(Optional.empty(), Optional.of("9"), now))
        .contains(Duration.ofSeconds(9));
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(20).atOffset(ZoneOffset.UTC));
    assertThat(LlmRetryPolicy.serverDelay(Optional.empty(), Optional.of(date), now))
        .contains(Duration.ofSeconds(20));
    assertThat(LlmRetryPolicy.serverDelay(Optional.empty(), Optional.of("soon"), now)).isEmpty();
    assertThat(LlmRetryPolicy.serverDelay(Optional.empty(), Optional.empty(), now)).isEmpty();
  }
}
