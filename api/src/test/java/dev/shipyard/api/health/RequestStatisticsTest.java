package dev.shipyard.api.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestStatisticsTest {

  private static final long T0 = 1_700_000_000_000L; // a fixed instant, minute-aligned below
  private static final long MINUTE = 60_000;

  @Test
  void windowCountsOnlyTheMinutesOfThePeriod() {
    RequestStatistics stats = new RequestStatistics();
    long now = T0 - (T0 % MINUTE) + 30_000;
    stats.record(now - 3 * MINUTE, 200, 10); // outside a 2-minute window
    stats.record(now - MINUTE, 404, 20);
    stats.record(now, 500, 30);
    stats.record(now, 200, 40);

    RequestStatistics.Window last2 = stats.window(now, Duration.ofMinutes(2));
    assertThat(last2.requests()).isEqualTo(3);
    assertThat(last2.clientErrors()).isEqualTo(1);
    assertThat(last2.serverErrors()).isEqualTo(1);
    assertThat(last2.averageMillis()).isEqualTo(30.0);
    assertThat(last2.maxMillis()).isEqualTo(40);

    assertThat(stats.window(now, Duration.ofHours(1)).requests()).isEqualTo(4);
    assertThat(stats.total()).isEqualTo(4);
  }

  @Test
  void aBucketReusedAWeekLaterStartsFromZero() {
    RequestStatistics stats = new RequestStatistics();
    long now = T0;
    stats.record(now, 200, 5);
    long weekLater = now + RequestStatistics.MAX_PERIOD.toMillis();
    stats.record(weekLater, 200, 7);

    RequestStatistics.Window w = stats.window(weekLater, Duration.ofMinutes(1));
    assertThat(w.requests()).isEqualTo(1);
    assertThat(w.maxMillis()).isEqualTo(7);
  }

  @Test
  void percentilesAreTheUpperBoundsOfTheHistogramBuckets() {
    RequestStatistics stats = new RequestStatistics();
    for (int i = 0; i < 90; i++) {
      stats.record(T0, 200, 3); // bucket (2, 5]
    }
    for (int i = 0; i < 9; i++) {
      stats.record(T0, 200, 150); // bucket (100, 200]
    }
    stats.record(T0, 200, 4000); // bucket (2000, 5000]

    RequestStatistics.Window w = stats.window(T0, Duration.ofMinutes(1));
    assertThat(w.percentileMillis(0.50)).isEqualTo(5);
    assertThat(w.percentileMillis(0.95)).isEqualTo(200);
    assertThat(w.percentileMillis(0.99)).isEqualTo(200);
    assertThat(w.percentileMillis(1.0)).isEqualTo(4000); // capped by the largest seen
  }

  @Test
  void anEmptyWindowReportsZeros() {
    RequestStatistics.Window w = new RequestStatistics().window(T0, Duration.ofHours(24));
    assertThat(w.requests()).isZero();
    assertThat(w.averageMillis()).isZero();
    assertThat(w.percentileMillis(0.99)).isZero();
  }
}
