package dev.shipyard.api.notifications;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * container-engine-api.md's testing endpoints: {@code GET /v1/notifications/test} stores a {@code
 * test_notification} for the caller, delivered by {@code /v1/ws/notifications} like any other
 * notification (on every API instance); {@code GET /v1/notifications/stats} answers this instance's
 * figures (sockets open now, messages sent in total and per type, since when) and the caller's
 * stored notifications per type. {@code deployment:read}, like the socket.
 */
@RestController
class NotificationsController {

  private final NotificationStore store;
  private final NotificationFanout fanout;
  private final Clock clock;

  NotificationsController(NotificationStore store, NotificationFanout fanout, Clock clock) {
    this.store = store;
    this.fanout = fanout;
    this.clock = clock;
  }

  /** The answer of {@code GET /v1/notifications/test}. */
  @Schema(name = "TestNotification")
  record TestNotification(
      String message,
      @JsonProperty("notification_id")
          @Schema(description = "the stored notification's ID (the socket's resume cursor)")
          long notificationId) {}

  /** The answer of {@code GET /v1/notifications/stats}. */
  @Schema(name = "NotificationStats")
  record NotificationStats(
      @Schema(description = "notification WebSockets open on this API instance now")
          int connections,
      @JsonProperty("users_connected") @Schema(description = "users with at least one of them")
          int usersConnected,
      @JsonProperty("messages_sent")
          @Schema(description = "notification messages this instance has sent since 'since'")
          long messagesSent,
      @JsonProperty("messages_by_type") Map<String, Long> messagesByType,
      @Schema(description = "when this instance started counting") Instant since,
      @Schema(description = "whether this instance hears new notifications (LISTEN in force)")
          boolean listening,
      @Schema(description = "the caller's stored notifications (all instances)") Stored stored) {}

  /** The caller's stored notifications. */
  @Schema(name = "StoredNotifications")
  record Stored(long total, @JsonProperty("by_type") Map<String, Long> byType) {}

  @GetMapping("/v1/notifications/test")
  @PreAuthorize("hasAuthority('deployment:read')")
  @Operation(
      summary = "Send a test notification to the caller",
      description =
          "Stores a test_notification for the caller; every notifications WebSocket of the caller,"
              + " on any API instance, receives it.")
  Mono<TestNotification> test(@AuthenticationPrincipal Caller caller) {
    return store
        .insertTest(caller.userId(), clock.instant())
        .map(id -> new TestNotification("Test notification sent", id));
  }

  @GetMapping("/v1/notifications/stats")
  @PreAuthorize("hasAuthority('deployment:read')")
  @Operation(summary = "Notification statistics of this API instance and the caller")
  Mono<NotificationStats> stats(@AuthenticationPrincipal Caller caller) {
    return store
        .totals(caller.userId())
        .map(
            byType ->
                new NotificationStats(
                    fanout.connections(),
                    fanout.usersConnected(),
                    fanout.messagesSent(),
                    fanout.messagesByType(),
                    fanout.since(),
                    fanout.listening(),
                    new Stored(byType.values().stream().mapToLong(Long::longValue).sum(), byType)));
  }
}
