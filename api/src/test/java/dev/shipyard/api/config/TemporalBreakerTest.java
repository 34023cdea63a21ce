package dev.shipyard.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The breaker in front of Temporal, on a real gRPC channel to a port where nothing listens: ten
 * {@code UNAVAILABLE} answers open it, and then a call is refused without a connection attempt.
 */
class TemporalBreakerTest {

  @Test
  void anUnreachableTemporalOpensTheBreakerAndCallsThenFailAtOnce() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    TemporalBreaker breaker =
        new TemporalBreaker(
            CircuitBreakerRegistry.of(TemporalBreaker.config()).circuitBreaker("temporal"));
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      WorkflowServiceGrpc.WorkflowServiceBlockingStub temporal =
          WorkflowServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, breaker));
      for (int i = 0; i < 10; i++) {
        StatusRuntimeException e =
            catchThrowableOfType(
                () ->
                    temporal
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance()),
                StatusRuntimeException.class);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).doesNotContain("circuit open");
      }
      assertThat(breaker.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

      StatusRuntimeException refused =
          catchThrowableOfType(
              () ->
                  temporal
                      .withDeadlineAfter(5, TimeUnit.SECONDS)
                      .getSystemInfo(GetSystemInfoRequest.getDefaultInstance()),
              StatusRuntimeException.class);
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(refused.getStatus().getDescription()).contains("temporal is failing");
      assertThat(breaker.breaker().getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void otherStatusesAreAnswersAndKeepItClosed() throws Exception {
    java.util.concurrent.atomic.AtomicInteger reached =
        new java.util.concurrent.atomic.AtomicInteger();
    io.grpc.Server server =
        io.grpc.ServerBuilder.forPort(0)
            .addService(
                new WorkflowServiceGrpc.WorkflowServiceImplBase() {
                  @Override
                  public void getSystemInfo(
                      GetSystemInfoRequest request,
                      io.grpc.stub.StreamObserver<
                              io.temporal.api.workflowservice.v1.GetSystemInfoResponse>
                          answer) {
                    reached.incrementAndGet();
                    answer.onError(Status.NOT_FOUND.withDescription("no").asRuntimeException());
                  }
                })
            .build()
            .start();
    TemporalBreaker breaker =
        new TemporalBreaker(
            CircuitBreakerRegistry.of(TemporalBreaker.config()).circuitBreaker("temporal"));
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      WorkflowServiceGrpc.WorkflowServiceBlockingStub temporal =
          WorkflowServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, breaker));
      for (int i = 0; i < 25; i++) {
        StatusRuntimeException e =
            catchThrowableOfType(
                () ->
                    temporal
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance()),
                StatusRuntimeException.class);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
      }
      assertThat(reached).hasValue(25);
      assertThat(breaker.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }
}
