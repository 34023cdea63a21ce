package dev.shipyard.activities.deployments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.webhook.WebhookSender;
import dev.shipyard.outbound.OutboundRefusedException;
import dev.shipyard.workflows.deployments.DeploymentEvent;
import dev.shipyard.workflows.deployments.DeploymentEventActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deployment webhooks (container-engine-api.md, Webhook Integration) to {@code WEBHOOK_URL}, signed
 * like every Shipyard webhook ({@link WebhookSender}: {@code X-Shipyard-Signature}, the delivery ID
 * stable across retries). Without {@code WEBHOOK_URL} nothing is sent; a refused URL or a missing
 * signing secret fails at once (non-retryable), any other failure is retried by the delivery
 * profile. The workflow runs these in the background: a failure never fails a deployment.
 */
public class WebhookDeploymentEvents implements DeploymentEventActivities {

  /** The failure type of a webhook that cannot be sent as configured. */
  public static final String NOT_SENDABLE = "DEPLOYMENT_WEBHOOK_NOT_SENDABLE";

  private final WebhookSender webhooks;
  private final URI url;
  private final ObjectMapper json;

  /** {@code webhookUrl}: {@code WEBHOOK_URL}, blank for none. */
  public WebhookDeploymentEvents(WebhookSender webhooks, String webhookUrl, ObjectMapper json) {
    this.webhooks = webhooks;
    this.url = webhookUrl == null || webhookUrl.isBlank() ? null : URI.create(webhookUrl.trim());
    this.json = json;
  }

  public boolean configured() {
    return url != null;
  }

  @Override
  public void send(DeploymentEvent event) {
    if (url == null) {
      return;
    }
    if (!webhooks.configured()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "WEBHOOK_SIGNING_SECRET is not set: deployment webhooks are not sent", NOT_SENDABLE);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("deployment_id", event.deploymentId());
    body.put("status", event.status());
    body.put("type", event.type());
    body.put("timestamp", event.timestamp());
    body.put("app_name", event.appName());
    body.put("user_id", event.userId());
    body.put("url", event.url());
    int status;
    try {
      status = webhooks.send(url, event.type(), event.eventId(), json.writeValueAsString(body));
    } catch (OutboundRefusedException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "WEBHOOK_URL " + e.getMessage(), NOT_SENDABLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("deployment webhook interrupted", e);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new IllegalStateException("deployment webhook failed: " + e.getMessage(), e);
    }
    if (status / 100 != 2) {
      throw new IllegalStateException("deployment webhook answered HTTP " + status);
    }
  }
}
