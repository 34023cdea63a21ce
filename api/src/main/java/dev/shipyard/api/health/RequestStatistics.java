package dev.shipyard.api.health;

import java.time.Duration;
import java.util.Arrays;
import org.springframework.stereotype.Component;

/**
 * Counts requests in one-minute buckets over the last seven days: how many, how many failed, and a
 * latency histogram, so {@code /api/v2/metrics?period=24h} and {@code /api/health/status} report
 * real measurements. Memory is fixed (about 2 MB); recording is a short synchronized update.
 */
@Component
public class RequestStatistics {

  /** The longest period that can be asked for. */
  public static final Duration MAX_PERIOD = Duration.ofDays(7);

  /** Upper bounds (ms) of the latency histogram buckets; the last bucket is unbounded. */
  static final long[] BOUNDS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};

  private static final int MINUTES = (int) MAX_PERIOD.toMinutes();

  private final long[] minuteOf = new long[MINUTES];
  private final long[] count = new long[MINUTES];
  private final long[] clientErrors = new long[MINUTES];
  private final long[] serverErrors = new long[MINUTES];
  private final long[] totalMillis = new long[MINUTES];
  private final long[] maxMillis = new long[MINUTES];
  private final long[][] histogram = new long[MINUTES][BOUNDS_MS.length + 1];
  private long total;

  /** Records one finished request at {@code epochMillis}. */
  public synchronized void record(long epochMillis, int status, long durationMillis) {
    long minute = epochMillis / 60_000;
    int i = (int) (minute % MINUTES);
    if (minuteOf[i] != minute) {
      minuteOf[i] = minute;
      count[i] = 0;
      clientErrors[i] = 0;
      serverErrors[i] = 0;
      totalMillis[i] = 0;
      maxMillis[i] = 0;
      Arrays.fill(histogram[i], 0);
    }
    count[i]++;
    total++;
    if (status >= 500) {
      serverErrors[i]++;
    } else if (status >= 400) {
      clientErrors[i]++;
    }
    totalMillis[i] += durationMillis;
    maxMillis[i] = Math.max(maxMillis[i], durationMillis);
    histogram[i][bucket(durationMillis)]++;
  }

  /** Requests recorded since start. */
  public synchronized long total() {
    return total;
  }

  /** Aggregates the minutes in {@code (nowMillis - period, nowMillis]}. */
  public synchronized Window window(long nowMillis, Duration period) {
    long last = nowMillis / 60_000;
    long minutes = Math.min(MINUTES, Math.max(1, period.toMinutes()));
    long n = 0;
    long client = 0;
    long server = 0;
    long sum = 0;
    long max = 0;
    long[] hist = new long[BOUNDS_MS.length + 1];
    for (long m = last - minutes + 1; m <= last; m++) {
      int i = (int) (Math.floorMod(m, (long) MINUTES));
      if (minuteOf[i] != m) {
        continue;
      }
      n += count[i];
      client += clientErrors[i];
      server += serverErrors[i];
      sum += totalMillis[i];
      max = Math.max(max, maxMillis[i]);
      for (int b = 0; b < hist.length; b++) {
        hist[b] += histogram[i][b];
      }
    }
    return new Window(n, client, server, sum, max, hist);
  }

  private static int bucket(long millis) {
    for (int b = 0; b < BOUNDS_MS.length; b++) {
      if (millis <= BOUNDS_MS[b]) {
        return b;
      }
    }
    return BOUNDS_MS.length;
  }

  /** Aggregated numbers of a period. */
  public record Window(
      long requests,
      long clientErrors,
      long serverErrors,
      long totalMillis,
      long maxMillis,
      long[] histogram) {

    public double averageMillis() {
      return requests == 0 ? 0 : (double) totalMillis / requests;
    }

    /**
     * The latency under which {@code quantile} of the requests finished, as the upper bound of the
     * histogram bucket that holds it (capped by the largest latency seen).
     */
    public long percentileMillis(double quantile) {
      if (requests == 0) {
        return 0;
      }
      long rank = (long) Math.ceil(quantile * requests);
      long seen = 0;
      for (int b = 0; b < histogram.length; b++) {
        seen += histogram[b];
        if (seen >= rank) {
          return b < BOUNDS_MS.length ? Math.min(BOUNDS_MS[b], maxMillis) : maxMillis;
        }
      }
      return maxMillis;
    }
  }
}
