package dev.shipyard.standalone.cluster;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated cluster's API server: pod logs ({@code GET /api/v1/namespaces/{ns}/pods/{pod}/log}
 * with {@code tailLines}, {@code sinceTime}, {@code sinceSeconds}, {@code timestamps}, {@code
 * container}) answered from the controller's {@link PodLogs}; {@code metrics.k8s.io} answered 404,
 * as by a cluster without metrics-server (the simulator never invents numbers); everything else by
 * fabric8's CRUD dispatcher.
 */
final class SimulatedDispatcher extends Dispatcher {

  private static final Pattern LOG =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/log$");

  private final Dispatcher crud;
  private final PodLogs logs;
  private volatile SimulatedController controller;

  SimulatedDispatcher(Dispatcher crud, PodLogs logs) {
    this.crud = crud;
    this.logs = logs;
  }

  /** The controller whose pods the log endpoint knows (it needs this server's client first). */
  void attach(SimulatedController controller) {
    this.controller = controller;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    URI uri = URI.create(request.getPath());
    String path = uri.getRawPath();
    if (path.startsWith("/apis/metrics.k8s.io")) {
      return status(
          404,
          "NotFound",
          "the simulated cluster does not serve metrics.k8s.io (no metrics-server)");
    }
    Matcher m = LOG.matcher(path);
    if (m.matches() && "GET".equalsIgnoreCase(request.getMethod())) {
      return log(m.group(1), m.group(2), query(uri.getRawQuery()));
    }
    return crud.dispatch(request);
  }

  private MockResponse log(String namespace, String pod, Map<String, String> query) {
    SimulatedController controller = this.controller;
    if (controller == null) {
      return status(503, "ServiceUnavailable", "the simulated cluster is starting");
    }
    String container = query.get("container");
    if (container != null && !container.equals(controller.containerOf(namespace, pod))) {
      return status(400, "BadRequest", "container " + container + " is not valid for pod " + pod);
    }
    String waiting = controller.notStarted(namespace, pod);
    if (waiting != null && !logs.has(namespace, pod)) {
      return status(
          400,
          "BadRequest",
          "container \""
              + controller.containerOf(namespace, pod)
              + "\" in pod \""
              + pod
              + "\" is waiting to start: "
              + waiting);
    }
    if (!logs.has(namespace, pod) && !controller.exists(namespace, pod)) {
      return status(404, "NotFound", "pods \"" + pod + "\" not found");
    }
    Instant since = null;
    try {
      if (query.get("sinceTime") != null) {
        since = Instant.parse(query.get("sinceTime"));
      } else if (query.get("sinceSeconds") != null) {
        since = Instant.now().minusSeconds(Long.parseLong(query.get("sinceSeconds")));
      }
    } catch (DateTimeParseException | NumberFormatException e) {
      return status(400, "BadRequest", "sinceTime/sinceSeconds: " + e.getMessage());
    }
    Integer tail = null;
    if (query.get("tailLines") != null) {
      try {
        tail = Integer.parseInt(query.get("tailLines"));
      } catch (NumberFormatException e) {
        return status(400, "BadRequest", "tailLines is not a number");
      }
    }
    boolean timestamps = "true".equalsIgnoreCase(query.get("timestamps"));
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "text/plain")
        .setBody(logs.render(namespace, pod, since, tail, timestamps));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      values.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return values;
  }

  private static MockResponse status(int code, String reason, String message) {
    Status status =
        new StatusBuilder()
            .withStatus("Failure")
            .withCode(code)
            .withReason(reason)
            .withMessage(message)
            .build();
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(status));
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }
}
