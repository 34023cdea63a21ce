package dev.shipyard.api.deployments;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Deployments as the API starts and changes them ({@code shipyard.deployments.*} of api.yml). The
 * first five are handed to each workflow in its settings (a workflow reads no configuration); the
 * timeouts bound how long a request waits for the workflow.
 *
 * @param progressDeadline {@code DEPLOYMENT_PROGRESS_DEADLINE}: how long a rollout may take
 * @param reconcilePeriod {@code DEPLOYMENT_RECONCILE_PERIOD}: how often the cluster is re-read
 * @param autoRollback {@code DEPLOYMENT_AUTO_ROLLBACK}: a failed rollout goes back to the last
 *     healthy release
 * @param continueAsNewEvents {@code DEPLOYMENT_CONTINUE_AS_NEW_EVENTS}
 * @param inlineReleases {@code DEPLOYMENT_INLINE_RELEASES}
 * @param changeTimeout {@code DEPLOYMENT_CHANGE_TIMEOUT}: how long a change request waits for the
 *     workflow to apply it (then 503: the change may still happen; read the deployment)
 * @param statusTimeout {@code DEPLOYMENT_STATUS_TIMEOUT}: how long {@code GET .../status} waits for
 *     a fresh read of the cluster before it answers the last observation
 */
@ConfigurationProperties("shipyard.deployments")
record DeploymentProperties(
    Duration progressDeadline,
    Duration reconcilePeriod,
    Boolean autoRollback,
    Integer continueAsNewEvents,
    Integer inlineReleases,
    Duration changeTimeout,
    Duration statusTimeout) {

  DeploymentProperties {
    progressDeadline = progressDeadline == null ? Duration.ofMinutes(10) : progressDeadline;
    reconcilePeriod = reconcilePeriod == null ? Duration.ofSeconds(30) : reconcilePeriod;
    autoRollback = autoRollback == null || autoRollback;
    continueAsNewEvents = continueAsNewEvents == null ? 2000 : continueAsNewEvents;
    inlineReleases = inlineReleases == null ? 20 : inlineReleases;
    changeTimeout = changeTimeout == null ? Duration.ofSeconds(25) : changeTimeout;
    statusTimeout = statusTimeout == null ? Duration.ofSeconds(5) : statusTimeout;
  }
}
