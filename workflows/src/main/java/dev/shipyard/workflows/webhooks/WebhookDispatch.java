package dev.shipyard.workflows.webhooks;

/**
 * One message to one endpoint: references only. The activity reads the message from {@code
 * webhook_outbox} and the endpoint (URL, sealed secrets) from its table at each attempt, so no URL
 * secret or payload enters the history.
 *
 * @param messageId the outbox row's ID (the {@code webhook-id} header)
 * @param endpoint which kind of endpoint
 * @param subscriptionId the subscription's ID for {@link WebhookEndpoint#SUBSCRIPTION}, else null
 * @param replay whether a person asked for this delivery again by hand
 */
public record WebhookDispatch(
    String messageId, WebhookEndpoint endpoint, String subscriptionId, boolean replay) {

  /**
   * The delivery's workflow ID, one per (message, endpoint): the relay starts it with duplicates
   * rejected, so a message relayed twice is sent once. A replay adds its own suffix.
   */
  public String workflowId(String replaySuffix) {
    String base =
        "webhook-"
            + messageId
            + "-"
            + endpoint.key()
            + (subscriptionId == null ? "" : "-" + subscriptionId);
    return replaySuffix == null ? base : base + "-replay-" + replaySuffix;
  }
}
