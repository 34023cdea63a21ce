package dev.shipyard.worker;

import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.webhooks.WebhookDeliveryWorkflow;
import dev.shipyard.workflows.webhooks.WebhookDispatch;
import dev.shipyard.workflows.webhooks.WebhookEndpoint;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The webhook outbox relay: turns committed {@code webhook_outbox} rows into one {@link
 * WebhookDeliveryWorkflow} per (message, endpoint). A batch of unrelayed rows is claimed with
 * {@code FOR UPDATE SKIP LOCKED} (several workers share the work), every workflow is started with
 * its deterministic ID and duplicates rejected, and the rows are marked relayed in the same
 * transaction. A worker that dies anywhere in between leaves the rows unrelayed (the transaction
 * rolls back): the next pass starts them again and the workflows already started are ignored as
 * duplicates, so each row is sent once per endpoint and none is lost. {@code LISTEN
 * shipyard_webhooks} (a trigger notifies on insert) wakes the relay at once; it also polls every
 * {@code WEBHOOK_RELAY_POLL}, so a lost notification only delays.
 *
 * <p>Targets: the owner's enabled subscriptions whose events match (none listed: all), the
 * per-request {@code webhook_url} of a capsule event, and {@code WEBHOOK_URL} for deployment
 * events.
 */
@Component
public class WebhookRelay implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WebhookRelay.class);
  private static final int BATCH = 100;

  private final DataSource dataSource;
  private final WorkflowClient client;
  private final boolean configuredUrl;
  private final Duration poll;
  private volatile Thread thread;
  private volatile boolean running;

  WebhookRelay(
      DataSource dataSource,
      WorkflowClient client,
      @Value("${shipyard.deployments.webhook-url:}") String webhookUrl,
      @Value("${shipyard.webhooks.relay-poll:5s}") Duration poll) {
    this.dataSource = dataSource;
    this.client = client;
    this.configuredUrl = webhookUrl != null && !webhookUrl.isBlank();
    this.poll = poll;
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::run, "webhook-relay");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() {
    running = false;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** After the Temporal workers have started (they start in the default phase). */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 100;
  }

  private void run() {
    while (running) {
      try (Connection listener = dataSource.getConnection()) {
        try (Statement s = listener.createStatement()) {
          s.execute("LISTEN shipyard_webhooks");
        }
        PGConnection pg = listener.unwrap(PGConnection.class);
        while (running) {
          while (relayOnce() == BATCH) {
            // a full batch: there may be more
          }
          pg.getNotifications((int) poll.toMillis());
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        if (e instanceof SQLException sql && "42P01".equals(sql.getSQLState())) {
          // undefined table: the API (Flyway's one runner) has not migrated the schema yet
          log.debug("Webhook relay: webhook_outbox not there yet; trying again in {}", poll);
        } else {
          log.warn("Webhook relay: {}; trying again in {}", e.getMessage(), poll);
        }
        try {
          Thread.sleep(poll.toMillis());
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private record Row(UUID id, String source, String event, UUID owner, boolean requestUrl) {}

  /**
   * One pass: claims up to a batch of unrelayed rows, starts their deliveries, marks them; returns
   * how many rows it relayed.
   */
  public int relayOnce() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT id, source, event, owner_id, webhook_url IS NOT NULL FROM webhook_outbox"
                    + " WHERE relayed_at IS NULL ORDER BY created_at LIMIT ?"
                    + " FOR UPDATE SKIP LOCKED")) {
          s.setInt(1, BATCH);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              rows.add(
                  new Row(
                      rs.getObject(1, UUID.class),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getObject(4, UUID.class),
                      rs.getBoolean(5)));
            }
          }
        }
        for (Row row : rows) {
          for (WebhookDispatch dispatch : targets(c, row)) {
            start(dispatch, row.event());
          }
          try (PreparedStatement s =
              c.prepareStatement("UPDATE webhook_outbox SET relayed_at = now() WHERE id = ?")) {
            s.setObject(1, row.id());
            s.executeUpdate();
          }
        }
        c.commit();
        return rows.size();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private List<WebhookDispatch> targets(Connection c, Row row) throws SQLException {
    String id = row.id().toString();
    List<WebhookDispatch> targets = new ArrayList<>();
    if (row.owner() != null) {
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT id FROM webhook_subscriptions WHERE owner_id = ? AND disabled_at IS NULL"
                  + " AND (cardinality(events) = 0 OR ? = ANY (events)) ORDER BY created_at")) {
        s.setObject(1, row.owner());
        s.setString(2, row.event());
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            targets.add(
                new WebhookDispatch(id, WebhookEndpoint.SUBSCRIPTION, rs.getString(1), false));
          }
        }
      }
    }
    if ("capsule".equals(row.source()) && row.requestUrl()) {
      targets.add(new WebhookDispatch(id, WebhookEndpoint.REQUEST, null, false));
    }
    if ("deployment".equals(row.source()) && configuredUrl) {
      targets.add(new WebhookDispatch(id, WebhookEndpoint.CONFIGURED, null, false));
    }
    return targets;
  }

  private void start(WebhookDispatch dispatch, String event) {
    WebhookDeliveryWorkflow workflow =
        client.newWorkflowStub(
            WebhookDeliveryWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(dispatch.workflowId(null))
                .setTaskQueue(TaskQueues.PLATFORM)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .setStaticSummary(event + " to " + dispatch.endpoint().key())
                .build());
    try {
      WorkflowClient.start(workflow::deliver, dispatch);
    } catch (WorkflowExecutionAlreadyStarted e) {
      // started by an earlier pass that did not commit: already under way or done
    }
  }
}
