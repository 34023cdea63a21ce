package dev.shipyard.standalone.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Kubernetes cluster for the local platform, named as such everywhere it shows ({@code
 * "cluster": "simulated"}): fabric8's mock API server in CRUD mode on 127.0.0.1 (objects are stored
 * and served as an API server would, without validation, strategic-merge patches or server-side
 * apply) and {@link SimulatedController}, a single thread that every {@value #TICK_MILLIS} ms plays
 * the Deployment controller, the garbage collector and the kubelet: pods, readiness, rollouts,
 * progress deadlines, container failures chosen by the image reference, and pod logs ({@code GET
 * .../pods/{pod}/log}). It holds everything in memory: a restart starts empty. No {@code
 * metrics.k8s.io}. README: Clusters.
 */
public final class SimulatedCluster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SimulatedCluster.class);

  static final long TICK_MILLIS = 200;

  /** Kept: JUL holds loggers weakly, and the mock server logs every request at INFO. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final SimulatedController controller;
  private final PodLogs logs;
  private final ScheduledExecutorService loop;

  private SimulatedCluster(
      KubernetesMockServer server,
      KubernetesClient client,
      SimulatedController controller,
      PodLogs logs,
      ScheduledExecutorService loop) {
    this.server = server;
    this.client = client;
    this.controller = controller;
    this.logs = logs;
    this.loop = loop;
  }

  /** Starts the API server on 127.0.0.1:{@code port} (0: any free port) and the controller. */
  public static SimulatedCluster start(int port) throws IOException {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    PodLogs logs = new PodLogs();
    SimulatedDispatcher dispatcher =
        new SimulatedDispatcher(new KubernetesMixedDispatcher(responses), logs);
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    server.init(InetAddress.getByName("127.0.0.1"), port);
    KubernetesClient client = server.createClient();
    SimulatedController controller = new SimulatedController(client, logs, Clock.systemUTC());
    dispatcher.attach(controller);
    ScheduledExecutorService loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "simulated-cluster-controller");
              t.setDaemon(true);
              return t;
            });
    loop.scheduleWithFixedDelay(controller::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    SimulatedCluster cluster = new SimulatedCluster(server, client, controller, logs, loop);
    log.info("Simulated Kubernetes cluster at {}", cluster.url());
    return cluster;
  }

  /** The API server's URL ({@code SHIPYARD_SIMULATED_CLUSTER_URL}). */
  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** A client of the simulated cluster (tests read and change its objects with it). */
  public KubernetesClient client() {
    return client;
  }

  /**
   * Adds a line to a pod's log, as its container would write it (tests that create pods by hand
   * give them logs this way; the controller writes those of its own pods).
   */
  public void appendLog(String namespace, String pod, java.time.Instant at, String line) {
    logs.append(namespace, pod, at, line);
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
    server.destroy();
  }

  @Override
  public String toString() {
    return "SimulatedCluster[" + url() + "]";
  }
}
