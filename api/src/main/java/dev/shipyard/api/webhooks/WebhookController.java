package dev.shipyard.api.webhooks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.ApiFamily;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.api.web.Message;
import dev.shipyard.api.web.OutboundUrls;
import dev.shipyard.api.web.Pagination;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.secrets.WebhookSecrets;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.webhooks.WebhookDeliveryWorkflow;
import dev.shipyard.workflows.webhooks.WebhookDispatch;
import dev.shipyard.workflows.webhooks.WebhookEndpoint;
import io.swagger.v3.oas.annotations.media.Schema;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Webhook subscriptions (Standard Webhooks; README: Webhooks): {@code /v1/webhooks}. The {@code
 * whsec_} secret is shown once, at creation and at each rotation, and stored sealed ({@code
 * SECRETS_KEYS}); only the worker's sending activity opens it. Another user's subscription is a
 * 404.
 */
@RestController
class WebhookController {

  /** The events a subscription may ask for. */
  static final Set<String> EVENTS =
      Set.of(
          "capsule.created",
          "capsule.delivered",
          "version.created",
          "delivery.failed",
          "deployment_started",
          "deployment_completed",
          "deployment_failed");

  private final WebhookStore store;
  private final OutboundUrls urls;
  private final ObjectProvider<SecretBox> secrets;
  private final WorkflowClient temporal;
  private final Duration rotationGrace;
  private final Clock clock;

  WebhookController(
      WebhookStore store,
      OutboundUrls urls,
      ObjectProvider<SecretBox> secrets,
      WorkflowClient temporal,
      @Value("${shipyard.webhooks.rotation-grace:24h}") Duration rotationGrace,
      Clock clock) {
    this.store = store;
    this.urls = urls;
    this.secrets = secrets;
    this.temporal = temporal;
    this.rotationGrace = rotationGrace;
    this.clock = clock;
  }

  record CreateWebhook(
      @NotBlank @Size(max = 2048) String url,
      @Schema(description = "events to receive; empty or absent: all") @Size(max = 16)
          List<String> events,
      @Size(max = 500) String description) {}

  /** A subscription, without its secret. */
  record WebhookSummary(
      String id,
      String url,
      List<String> events,
      @Schema(nullable = true) String description,
      boolean enabled,
      @JsonProperty("disabled_reason") @Schema(nullable = true) String disabledReason,
      @JsonProperty("disabled_at") @Schema(nullable = true) Instant disabledAt,
      @JsonProperty("failing_since") @Schema(nullable = true) Instant failingSince,
      @JsonProperty("previous_secret_expires_at") @Schema(nullable = true)
          Instant previousSecretExpiresAt,
      @JsonProperty("created_at") Instant createdAt) {
    static WebhookSummary of(WebhookStore.Subscription s) {
      return new WebhookSummary(
          s.id().toString(),
          s.url(),
          List.of(s.events()),
          s.description(),
          s.disabledAt() == null,
          s.disabledReason(),
          instant(s.disabledAt()),
          instant(s.failingSince()),
          instant(s.previousExpiresAt()),
          s.createdAt().toInstant());
    }
  }

  /** {@code POST /v1/webhooks}: the only answer, with the rotation's, that carries the secret. */
  record CreatedWebhook(
      String id,
      String url,
      List<String> events,
      @Schema(nullable = true) String description,
      @Schema(description = "whsec_ secret, shown once") String secret,
      @JsonProperty("created_at") Instant createdAt) {
    @Override
    public String toString() {
      return "CreatedWebhook[id=" + id + ", url=" + url + ", secret hidden]";
    }
  }

  record RotatedSecret(
      String id,
      @Schema(description = "the new whsec_ secret, shown once") String secret,
      @JsonProperty("previous_secret_expires_at") Instant previousSecretExpiresAt) {
    @Override
    public String toString() {
      return "RotatedSecret[id=" + id + ", secret hidden]";
    }
  }

  record WebhookPage(List<WebhookSummary> webhooks, Pagination.Page pagination) {}

  record AttemptSummary(
      long id,
      @JsonProperty("message_id") String messageId,
      @Schema(nullable = true) String event,
      int attempt,
      @Schema(description = "delivered, failed, gone, refused or not_sendable") String status,
      @JsonProperty("response_code") @Schema(nullable = true) Integer responseCode,
      @JsonProperty("duration_ms") long durationMs,
      @JsonProperty("response_excerpt") @Schema(nullable = true) String responseExcerpt,
      @Schema(nullable = true) String error,
      @JsonProperty("attempted_at") Instant attemptedAt) {}

  record AttemptPage(List<AttemptSummary> attempts, Pagination.Page pagination) {}

  record ReplayStarted(
      @JsonProperty("message_id") String messageId,
      @JsonProperty("webhook_id") String webhookId,
      @JsonProperty("workflow_id") String workflowId) {}

  @PostMapping("/v1/webhooks")
  @ResponseStatus(HttpStatus.CREATED)
  @PreAuthorize("hasAuthority('profile:update')")
  @DocumentedErrors({HttpStatus.SERVICE_UNAVAILABLE})
  public Mono<CreatedWebhook> create(
      @AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateWebhook request) {
    String url = urls.require(request.url(), "url", ApiFamily.CONTAINER_ENGINE);
    String[] events = events(request.events());
    SecretBox box = box();
    UUID id = Secrets.uuid();
    return newSealedSecret(box, id)
        .flatMap(
            secret ->
                store
                    .insert(
                        id,
                        caller.tenantId(),
                        caller.userId(),
                        url,
                        events,
                        request.description(),
                        secret.sealed())
                    .map(
                        s ->
                            new CreatedWebhook(
                                s.id().toString(),
                                s.url(),
                                List.of(s.events()),
                                s.description(),
                                secret.secret(),
                                s.createdAt().toInstant())));
  }

  @GetMapping("/v1/webhooks")
  @PreAuthorize("hasAuthority('profile:read')")
  public Mono<WebhookPage> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer limit) {
    Pagination pagination = Pagination.of(page, limit);
    return store
        .pageOf(caller.userId(), pagination.limit(), pagination.offset())
        .map(WebhookSummary::of)
        .collectList()
        .zipWith(store.countOf(caller.userId()))
        .map(t -> new WebhookPage(t.getT1(), pagination.describe(t.getT2())));
  }

  @GetMapping("/v1/webhooks/{webhookId}")
  @PreAuthorize("hasAuthority('profile:read')")
  public Mono<WebhookSummary> get(
      @AuthenticationPrincipal Caller caller, @PathVariable String webhookId) {
    return owned(caller, webhookId).map(WebhookSummary::of);
  }

  @DeleteMapping("/v1/webhooks/{webhookId}")
  @PreAuthorize("hasAuthority('profile:update')")
  public Mono<Message> delete(
      @AuthenticationPrincipal Caller caller, @PathVariable String webhookId) {
    return store
        .delete(caller.userId(), id(webhookId))
        .flatMap(
            deleted ->
                deleted
                    ? Mono.just(new Message("Webhook deleted successfully"))
                    : Mono.error(notFound()));
  }

  /**
   * A new secret, shown once; the previous one keeps signing (both signatures sent) for {@code
   * WEBHOOK_ROTATION_GRACE}.
   */
  @PostMapping("/v1/webhooks/{webhookId}/rotate")
  @PreAuthorize("hasAuthority('profile:update')")
  @DocumentedErrors({HttpStatus.SERVICE_UNAVAILABLE})
  public Mono<RotatedSecret> rotate(
      @AuthenticationPrincipal Caller caller, @PathVariable String webhookId) {
    UUID id = id(webhookId);
    SecretBox box = box();
    OffsetDateTime until =
        OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).plus(rotationGrace);
    return newSealedSecret(box, id)
        .flatMap(
            secret ->
                store
                    .rotate(caller.userId(), id, secret.sealed(), until)
                    .map(
                        s ->
                            new RotatedSecret(
                                s.id().toString(),
                                secret.secret(),
                                s.previousExpiresAt().toInstant())))
        .switchIfEmpty(Mono.error(notFound()));
  }

  /** Every attempt to this subscription, newest first. */
  @GetMapping("/v1/webhooks/{webhookId}/attempts")
  @PreAuthorize("hasAuthority('profile:read')")
  public Mono<AttemptPage> attempts(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String webhookId,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer limit) {
    Pagination pagination = Pagination.of(page, limit);
    return owned(caller, webhookId)
        .flatMap(
            s ->
                store
                    .attemptsOf(s.id(), pagination.limit(), pagination.offset())
                    .map(
                        a ->
                            new AttemptSummary(
                                a.id(),
                                a.messageId().toString(),
                                a.event(),
                                a.attempt(),
                                a.status(),
                                a.responseCode(),
                                a.durationMs(),
                                a.responseExcerpt(),
                                a.error(),
                                a.attemptedAt().toInstant()))
                    .collectList()
                    .zipWith(store.attemptCountOf(s.id())))
        .map(t -> new AttemptPage(t.getT1(), pagination.describe(t.getT2())));
  }

  /**
   * Sends one of the caller's messages to this subscription again, on the full schedule, in a
   * workflow of its own.
   */
  @PostMapping("/v1/webhooks/{webhookId}/messages/{messageId}/replay")
  @ResponseStatus(HttpStatus.ACCEPTED)
  @PreAuthorize("hasAuthority('profile:update')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  public Mono<ReplayStarted> replay(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String webhookId,
      @PathVariable String messageId) {
    UUID message = id(messageId);
    return owned(caller, webhookId)
        .flatMap(
            s -> {
              if (s.disabledAt() != null) {
                return Mono.error(
                    new ApiException(
                        HttpStatus.CONFLICT,
                        "WEBHOOK_DISABLED",
                        "The webhook is disabled (" + s.disabledReason() + ")"));
              }
              return store
                  .messageEvent(caller.userId(), message)
                  .switchIfEmpty(
                      Mono.error(
                          new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "Message not found")))
                  .flatMap(event -> start(s.id(), message, event));
            });
  }

  private Mono<ReplayStarted> start(UUID subscription, UUID message, String event) {
    WebhookDispatch dispatch =
        new WebhookDispatch(
            message.toString(), WebhookEndpoint.SUBSCRIPTION, subscription.toString(), true);
    String workflowId = dispatch.workflowId(Secrets.uuid().toString());
    return Mono.fromCallable(
            () -> {
              WebhookDeliveryWorkflow workflow =
                  temporal.newWorkflowStub(
                      WebhookDeliveryWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(workflowId)
                          .setTaskQueue(TaskQueues.PLATFORM)
                          .setWorkflowIdReusePolicy(
                              WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                          .setStaticSummary("replay of " + event + " to subscription")
                          .build());
              WorkflowClient.start(workflow::deliver, dispatch);
              return new ReplayStarted(message.toString(), subscription.toString(), workflowId);
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** A new secret and its sealed form (both draw on SecureRandom: off the event loop). */
  private record NewSecret(String secret, String sealed) {
    @Override
    public String toString() {
      return "NewSecret[hidden]";
    }
  }

  private static Mono<NewSecret> newSealedSecret(SecretBox box, UUID id) {
    return Mono.fromCallable(
            () -> {
              String secret = WebhookSecrets.newSecret();
              return new NewSecret(secret, box.seal(sealingContext(id), secret));
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private Mono<WebhookStore.Subscription> owned(Caller caller, String webhookId) {
    return store.find(caller.userId(), id(webhookId)).switchIfEmpty(Mono.error(notFound()));
  }

  private SecretBox box() {
    SecretBox box = secrets.getIfAvailable();
    if (box == null) {
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "SECRETS_NOT_CONFIGURED",
          "Webhook subscriptions need SECRETS_KEYS: their secrets are stored sealed");
    }
    return box;
  }

  private static String[] events(List<String> requested) {
    if (requested == null) {
      return new String[0];
    }
    for (String event : requested) {
      if (!EVENTS.contains(event)) {
        throw new ApiException(
            ApiError.validation(
                HttpStatus.BAD_REQUEST,
                "events",
                "Unknown event '" + event + "'; known: " + EVENTS.stream().sorted().toList()));
      }
    }
    return requested.stream().distinct().toArray(String[]::new);
  }

  /** The sealing context of a subscription's secrets (the worker's activity opens with it). */
  static String sealingContext(UUID id) {
    return "webhook:" + id;
  }

  private static UUID id(String value) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw notFound();
    }
  }

  private static ApiException notFound() {
    return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "Webhook not found");
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
