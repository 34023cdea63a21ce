package dev.shipyard.api.config;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The API's circuit breaker in front of Temporal (DESIGN.md §7), a gRPC interceptor on the one
 * {@code WorkflowServiceStubs}: every start, signal, update, query and describe goes through it. An
 * {@code UNAVAILABLE} answer (Temporal unreachable) is an outage; any other status is an answer.
 * When half of the last 20 calls (10 at least) were outages, the breaker opens for 15 s: calls fail
 * at once with {@code UNAVAILABLE} ("not called") instead of each waiting for its deadline, and the
 * error handler answers 503 in the family's shape; then 3 trial calls decide. The time limit of
 * each call is its gRPC deadline (the SDK's per-call defaults).
 */
public final class TemporalBreaker implements ClientInterceptor {

  private final CircuitBreaker breaker;

  public TemporalBreaker(CircuitBreaker breaker) {
    this.breaker = breaker;
  }

  /** The breaker's configuration: outages are {@code UNAVAILABLE} statuses only. */
  public static CircuitBreakerConfig config() {
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(20)
        .minimumNumberOfCalls(10)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(15))
        .permittedNumberOfCallsInHalfOpenState(3)
        .build();
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  @Override
  public <Q, A> ClientCall<Q, A> interceptCall(
      MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
    if (!breaker.tryAcquirePermission()) {
      return new Refused<>(breaker.getName());
    }
    long started = System.nanoTime();
    AtomicBoolean recorded = new AtomicBoolean();
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<A> listener, Metadata headers) {
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                if (recorded.compareAndSet(false, true)) {
                  long took = System.nanoTime() - started;
                  if (status.getCode() == Status.Code.UNAVAILABLE) {
                    breaker.onError(took, TimeUnit.NANOSECONDS, status.asRuntimeException());
                  } else {
                    breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                  }
                }
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }

  /** A call the open breaker refuses: closed at once with {@code UNAVAILABLE}, nothing sent. */
  private static final class Refused<Q, A> extends ClientCall<Q, A> {
    private final String name;

    Refused(String name) {
      this.name = name;
    }

    @Override
    public void start(Listener<A> listener, Metadata headers) {
      listener.onClose(
          Status.UNAVAILABLE.withDescription(
              name + " is failing: calls to it are suspended for a while (circuit open)"),
          new Metadata());
    }

    @Override
    public void request(int numMessages) {}

    @Override
    public void cancel(String message, Throwable cause) {}

    @Override
    public void halfClose() {}

    @Override
    public void sendMessage(Q message) {}
  }
}
