package dev.shipyard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The breakers: outages open them, answers do not, an open one does not call, a full bulkhead. */
class OutboundBreakersTest {

  private static final OutboundBreakers.Settings SMALL =
      new OutboundBreakers.Settings(50, 4, 4, Duration.ofMinutes(5), 1, 2);

  @Test
  void outagesOpenTheBreakerAndAnOpenBreakerDoesNotCall() throws Exception {
    OutboundBreakers breakers = new OutboundBreakers(SMALL);
    OutboundBreakers.Dependency<Integer> llm =
        breakers.dependency("llm:model.example.com", e -> e instanceof IOException);
    AtomicInteger calls = new AtomicInteger();
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(
              () ->
                  llm.call(
                      () -> {
                        calls.incrementAndGet();
                        throw new ConnectException("refused");
                      }))
          .isInstanceOf(ConnectException.class);
    }
    assertThat(llm.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThatThrownBy(() -> llm.call(() -> calls.incrementAndGet()))
        .isInstanceOf(OutboundUnavailableException.class)
        .hasMessageContaining("llm:model.example.com is failing (100% of its last 4 calls failed)");
    assertThat(calls).hasValue(4);
  }

  @Test
  void answersThatAreNotOutagesKeepItClosedAndOutageAnswersOpenIt() throws Exception {
    OutboundBreakers breakers = new OutboundBreakers(SMALL);
    OutboundBreakers.Dependency<Integer> refusing =
        breakers.dependency("github:api.github.com", e -> e instanceof IOException, s -> s >= 500);
    for (int i = 0; i < 10; i++) {
      assertThat(refusing.call(() -> 404)).isEqualTo(404);
      assertThatThrownBy(
              () ->
                  refusing.call(
                      () -> {
                        throw new IllegalArgumentException("a refusal, not an outage");
                      }))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(refusing.state()).isEqualTo(CircuitBreaker.State.CLOSED);

    OutboundBreakers.Dependency<Integer> failing =
        breakers.dependency(
            "webhook:hooks.example.com", e -> e instanceof IOException, s -> s >= 500);
    for (int i = 0; i < 4; i++) {
      assertThat(failing.call(() -> 503)).isEqualTo(503);
    }
    assertThat(failing.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breakers.circuitBreakers().getAllCircuitBreakers())
        .extracting(CircuitBreaker::getName)
        .containsExactlyInAnyOrder("github:api.github.com", "webhook:hooks.example.com");
  }

  @Test
  void aFullBulkheadRefusesAtOnce() throws Exception {
    OutboundBreakers breakers = new OutboundBreakers(SMALL);
    OutboundBreakers.Dependency<String> kubernetes =
        breakers.dependency("kubernetes", e -> e instanceof IOException);
    CountDownLatch inside = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> a = pool.submit(() -> kubernetes.call(() -> hold(inside, release)));
      Future<?> b = pool.submit(() -> kubernetes.call(() -> hold(inside, release)));
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> kubernetes.call(() -> "third"))
          .isInstanceOf(OutboundUnavailableException.class)
          .hasMessage("kubernetes has 2 calls in flight already");
      release.countDown();
      a.get(10, TimeUnit.SECONDS);
      b.get(10, TimeUnit.SECONDS);
      assertThat(kubernetes.call(() -> "after")).isEqualTo("after");
    } finally {
      pool.shutdownNow();
    }
  }

  private static String hold(CountDownLatch inside, CountDownLatch release)
      throws InterruptedException {
    inside.countDown();
    release.await(10, TimeUnit.SECONDS);
    return "held";
  }
}
