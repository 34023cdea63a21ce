package dev.shipyard.workflows.deployments;

/**
 * The deployment workflow's settings, passed in its input by the API (a workflow reads no
 * configuration) and carried across continue-as-new.
 *
 * @param progressDeadlineSeconds how long a rollout may take before the deployment is {@code
 *     failed} (also the Deployment's {@code progressDeadlineSeconds}); {@code
 *     DEPLOYMENT_PROGRESS_DEADLINE}
 * @param reconcileSeconds how often the workflow re-reads the cluster; {@code
 *     DEPLOYMENT_RECONCILE_PERIOD}
 * @param autoRollback whether a failed rollout goes back to the last healthy release; {@code
 *     DEPLOYMENT_AUTO_ROLLBACK} (default true)
 * @param cluster how the cluster is reached ({@code simulated}, {@code kubeconfig}, {@code
 *     in-cluster}), shown in every status answer
 * @param url the deployment's URL ({@code https://<app>.<DOMAIN_SUFFIX>})
 * @param continueAsNewEvents the history length past which the workflow continues as new
 * @param inlineReleases how many releases the workflow keeps in its state (older ones are read from
 *     {@code deployment_releases} when a rollback names them)
 */
public record DeploymentSettings(
    int progressDeadlineSeconds,
    int reconcileSeconds,
    boolean autoRollback,
    String cluster,
    String url,
    int continueAsNewEvents,
    int inlineReleases) {}
