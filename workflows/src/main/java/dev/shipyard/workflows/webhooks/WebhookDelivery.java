package dev.shipyard.workflows.webhooks;

/** The end of a delivery workflow: the last attempt's outcome and how many attempts were made. */
public record WebhookDelivery(WebhookAttemptOutcome outcome, int attempts) {}
