package dev.shipyard.workflows.webhooks;

/** Where a webhook message goes. */
public enum WebhookEndpoint {
  /** A user's subscription ({@code /v1/webhooks}), signed with its own {@code whsec_} secret. */
  SUBSCRIPTION,
  /** The per-request {@code webhook_url} of the capsule that raised the event (v2 async API). */
  REQUEST,
  /** {@code WEBHOOK_URL} from the worker's configuration (deployment events). */
  CONFIGURED;

  /** The word used in workflow IDs and attempt rows. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
