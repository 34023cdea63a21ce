package dev.shipyard.api.notifications;

/** The notification types the API itself knows (the worker writes the deployment ones). */
final class NotificationTypes {

  /** Written by {@code GET /v1/notifications/test}. */
  static final String TEST = "test_notification";

  /** container-engine-api.md's event, written by the worker when a deployment's phase changes. */
  static final String DEPLOYMENT_STATUS_CHANGED = "deployment_status_changed";

  /** The first message of a notifications socket (not a stored notification). */
  static final String CONNECTED = "connected";

  private NotificationTypes() {}
}
