package dev.shipyard.standalone;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.testserver.TestServer;

/**
 * Temporal's own Java test server on a real port, time skipping off (workflows see real time), with
 * Shipyard's search attributes registered. It keeps nothing across restarts.
 */
final class LocalTemporal implements AutoCloseable {

  private final int port;
  private final String namespace;
  private TestServer.PortBoundTestServer server;

  LocalTemporal(int port, String namespace) {
    this.port = port;
    this.namespace = namespace;
  }

  void start() {
    // lockTimeSkipping = true: time skipping stays off, as in a real cluster.
    server = TestServer.createPortBoundServer(port, true);
    try {
      registerSearchAttributes(address(), namespace);
    } catch (RuntimeException e) {
      close(); // its gRPC threads would otherwise keep the JVM and the port
      throw e;
    }
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** Registers {@link ShipyardSearchAttributes#ALL} as keywords in {@code namespace}. */
  static void registerSearchAttributes(String target, String namespace) {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setTarget(target)
                .validateAndBuildWithDefaults());
    try {
      AddSearchAttributesRequest.Builder request =
          AddSearchAttributesRequest.newBuilder().setNamespace(namespace);
      ShipyardSearchAttributes.ALL.forEach(
          key ->
              request.putSearchAttributes(
                  key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
      operator.blockingStub().addSearchAttributes(request.build());
    } finally {
      operator.shutdownNow();
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
