package dev.shipyard.api.capsules;

import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.workflows.capsules.GenerationRequest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Starting a generation, shared by the capsules API and v2: the capsule row first (status queued),
 * then the workflow; then a bounded wait for the outcome.
 */
@Service
@EnableConfigurationProperties(CapsuleProperties.class)
class CapsuleService {

  private final CapsuleStore store;
  private final CapsuleGenerations generations;
  private final CapsuleProperties properties;

  CapsuleService(CapsuleStore store, CapsuleGenerations generations, CapsuleProperties properties) {
    this.store = store;
    this.generations = generations;
    this.properties = properties;
  }

  /** What the caller asked for, already validated. */
  record Order(
      String requestId,
      String description,
      String requirements,
      String projectName,
      Map<String, String> constraints,
      Map<String, Object> metadata,
      Double targetScore,
      Integer maxIterations,
      String engine,
      String webhookUrl) {}

  /** A started generation and, if it ended within the wait, its outcome. */
  record Started(String capsuleId, String requestId, CapsuleGenerations.Outcome outcome) {}

  Mono<Started> start(Caller caller, Order order, Duration wait) {
    String requestId = order.requestId() != null ? order.requestId() : "req-" + Secrets.token(6);
    // A request ID names one generation per owner: repeating the request is idempotent.
    String capsuleId =
        order.requestId() != null
            ? "cap-" + digest(caller.tenantId() + "/" + caller.userId() + "/" + requestId)
            : "cap-" + digest(Secrets.token(16));
    double target = order.targetScore() != null ? order.targetScore() : properties.targetScore();
    int rounds = order.maxIterations() != null ? order.maxIterations() : properties.maxIterations();
    String engine = order.engine() != null ? order.engine() : properties.engine();
    GenerationRequest request =
        new GenerationRequest(
            capsuleId,
            requestId,
            caller.tenantId(),
            caller.userId().toString(),
            order.description(),
            order.requirements(),
            order.constraints() == null ? Map.of() : order.constraints(),
            target,
            rounds,
            engine,
            order.webhookUrl());
    CapsuleStore.NewCapsule row =
        new CapsuleStore.NewCapsule(
            capsuleId,
            requestId,
            caller.tenantId(),
            caller.userId(),
            order.description(),
            order.requirements(),
            order.projectName(),
            request.constraints(),
            order.metadata(),
            engine,
            target,
            order.webhookUrl(),
            request.workflowId());
    String summary =
        "Capsule "
            + capsuleId
            + " for "
            + caller.username()
            + ": "
            + (order.description().length() > 120
                ? order.description().substring(0, 117) + "..."
                : order.description());
    return store
        .insert(row)
        .then(
            generations
                .start(request, summary)
                .onErrorResume(
                    e ->
                        store
                            .markFailed(request.workflowId(), "could not start: " + e.getMessage())
                            .then(
                                Mono.error(
                                    new ApiException(
                                        HttpStatus.SERVICE_UNAVAILABLE,
                                        "WORKFLOW_UNAVAILABLE",
                                        "Generation could not be started; try again")))))
        .then(
            wait.isZero()
                ? Mono.<CapsuleGenerations.Outcome>empty()
                : generations.await(request.workflowId(), wait))
        .map(outcome -> new Started(capsuleId, requestId, outcome))
        .defaultIfEmpty(new Started(capsuleId, requestId, null));
  }

  Duration syncWait() {
    return properties.syncWait();
  }

  /** The first 8 bytes of the value's SHA-256, in hex: a short, stable capsule ID. */
  private static String digest(String value) {
    return HexFormat.of().formatHex(Secrets.digest(value), 0, 8);
  }
}
