package dev.shipyard.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.analysis.AnalysisActivitiesImpl;
import dev.shipyard.activities.analysis.AnalysisSettings;
import dev.shipyard.activities.analysis.RealAnalyzers;
import dev.shipyard.activities.builds.BuildProjectActivitiesImpl;
import dev.shipyard.activities.builds.BuildRecordActivitiesImpl;
import dev.shipyard.activities.builds.BuildStepActivitiesImpl;
import dev.shipyard.activities.builds.BuildWorkspaces;
import dev.shipyard.activities.builds.ProjectBuilder;
import dev.shipyard.activities.capsules.CapsuleEngineActivitiesImpl;
import dev.shipyard.activities.capsules.CapsuleEventActivitiesImpl;
import dev.shipyard.activities.capsules.CapsuleStorageActivitiesImpl;
import dev.shipyard.activities.capsules.CapsuleValidationActivitiesImpl;
import dev.shipyard.activities.capsules.batch.CapsuleBatchExportActivitiesImpl;
import dev.shipyard.activities.capsules.batch.JdbcCapsuleBatchRecordActivities;
import dev.shipyard.activities.charts.HelmChartValidationActivitiesImpl;
import dev.shipyard.activities.codegen.GenerationEngine;
import dev.shipyard.activities.codegen.llm.LlmEngine;
import dev.shipyard.activities.codegen.llm.LlmSettings;
import dev.shipyard.activities.codegen.offline.OfflineEngine;
import dev.shipyard.activities.delivery.DeliveryDestination;
import dev.shipyard.activities.delivery.DeliveryDestinationActivitiesImpl;
import dev.shipyard.activities.delivery.JdbcDeliveryRecordActivities;
import dev.shipyard.activities.delivery.azure.AzureDestination;
import dev.shipyard.activities.delivery.git.GitDestination;
import dev.shipyard.activities.delivery.git.GitPusher;
import dev.shipyard.activities.delivery.git.GitSettings;
import dev.shipyard.activities.delivery.github.GitHubDestination;
import dev.shipyard.activities.delivery.s3.S3Destination;
import dev.shipyard.activities.deployments.DeploymentCluster;
import dev.shipyard.activities.deployments.DeploymentClusterActivitiesImpl;
import dev.shipyard.activities.deployments.DeploymentRolloutActivitiesImpl;
import dev.shipyard.activities.deployments.JdbcDeploymentRecordActivities;
import dev.shipyard.activities.deployments.JdbcDeploymentSecrets;
import dev.shipyard.activities.deployments.OutboxDeploymentEvents;
import dev.shipyard.activities.images.ImageBuildActivitiesImpl;
import dev.shipyard.activities.images.ImageSettings;
import dev.shipyard.activities.images.JdbcImageRecordActivities;
import dev.shipyard.activities.images.JibImageBuilder;
import dev.shipyard.activities.projection.JdbcProjectionActivities;
import dev.shipyard.activities.sandbox.Sandbox;
import dev.shipyard.activities.sandbox.Sandboxes;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.activities.tasks.TaskEventWriter;
import dev.shipyard.activities.validation.ProjectValidator;
import dev.shipyard.activities.validation.RealChecksValidator;
import dev.shipyard.activities.validation.Toolchains;
import dev.shipyard.activities.webhook.WebhookSendActivitiesImpl;
import dev.shipyard.outbound.OutboundBreakers;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.outbound.OutboundHttp;
import dev.shipyard.storage.BlobStore;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The one assembly point of activity implementations. Each bean is named after the activity
 * interface it implements ({@code WorkerRegistry.ActivityBinding#beanName()}): the registry puts it
 * on its task queue.
 */
@Configuration(proxyBeanMethods = false)
class ActivityBeans {

  private static final Logger log = LoggerFactory.getLogger(ActivityBeans.class);

  @Bean
  JdbcProjectionActivities projectionActivities(JdbcTemplate jdbc) {
    return new JdbcProjectionActivities(jdbc);
  }

  @Bean
  TaskEventWriter taskEventActivities(JdbcTemplate jdbc, ObjectMapper json) {
    return new TaskEventWriter(jdbc, json);
  }

  @Bean
  OfflineEngine offlineEngine() {
    return new OfflineEngine();
  }

  @Bean
  ProjectValidator projectValidator() {
    return new RealChecksValidator();
  }

  /** The engines by name and the default one, from {@code CODEGEN_ENGINE} and {@code LLM_*}. */
  record Engines(List<GenerationEngine> all, String defaultEngine) {}

  /**
   * One circuit breaker and bulkhead per outbound dependency, shared by every activity of this
   * worker (DESIGN.md §7), their states and calls exported as metrics.
   */
  @Bean
  OutboundBreakers outboundBreakers(MeterRegistry meters) {
    OutboundBreakers breakers = OutboundBreakers.withDefaults();
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers.circuitBreakers()).bindTo(meters);
    TaggedBulkheadMetrics.ofBulkheadRegistry(breakers.bulkheads()).bindTo(meters);
    return breakers;
  }

  @Bean
  Engines engines(OfflineEngine offline, WorkerProperties properties, OutboundBreakers breakers) {
    List<GenerationEngine> engines = new ArrayList<>(List.of(offline));
    WorkerProperties.Llm llm = properties.codegen().llm();
    if (llm.configured()) {
      engines.add(
          new LlmEngine(
              new LlmSettings(
                  URI.create(llm.baseUrl()),
                  llm.model(),
                  llm.apiKey(),
                  llm.timeout(),
                  llm.maxRetries(),
                  llm.temperature()),
              breakers));
      log.info("Capsules: LLM engine at {} with model {}", llm.baseUrl(), llm.model());
    }
    String engine = properties.codegen().engine();
    if (engines.stream().noneMatch(e -> e.name().equals(engine))) {
      throw new IllegalStateException(
          "CODEGEN_ENGINE=" + engine + " but that engine is not configured (set LLM_BASE_URL)");
    }
    log.info("Capsules: default generation engine '{}'", engine);
    return new Engines(List.copyOf(engines), engine);
  }

  @Bean
  CapsuleEngineActivitiesImpl capsuleEngineActivities(Engines engines, BlobStore blobs) {
    return new CapsuleEngineActivitiesImpl(engines.all(), engines.defaultEngine(), blobs);
  }

  @Bean
  CapsuleValidationActivitiesImpl capsuleValidationActivities(
      ProjectValidator validator, Engines engines, BlobStore blobs) {
    // The offline engine's templates are ours: their generated tests may run. LLM output is only
    // compiled and parsed, never executed on the worker.
    ProjectValidator checksOnly =
        new RealChecksValidator(Toolchains.defaults().withRunTests(false));
    return new CapsuleValidationActivitiesImpl(
        name -> OfflineEngine.NAME.equals(name) ? validator : checksOnly,
        engines.defaultEngine(),
        blobs);
  }

  @Bean
  CapsuleStorageActivitiesImpl capsuleStorageActivities(BlobStore blobs, JdbcTemplate jdbc) {
    return new CapsuleStorageActivitiesImpl(blobs, jdbc);
  }

  /** Capsule events: {@code capsule_events} rows (the outbox); the webhook relay sends them. */
  @Bean
  CapsuleEventActivitiesImpl capsuleEventActivities(JdbcTemplate jdbc) {
    return new CapsuleEventActivitiesImpl(jdbc);
  }

  /** Batch exports: each capsule's archive streamed into object storage. */
  @Bean
  CapsuleBatchExportActivitiesImpl capsuleBatchExportActivities(
      BlobStore blobs, JdbcTemplate jdbc) {
    return new CapsuleBatchExportActivitiesImpl(blobs, jdbc);
  }

  @Bean
  JdbcCapsuleBatchRecordActivities capsuleBatchRecordActivities(JdbcTemplate jdbc) {
    return new JdbcCapsuleBatchRecordActivities(jdbc);
  }

  @Bean
  JdbcDeploymentRecordActivities deploymentRecordActivities(JdbcTemplate jdbc, ObjectMapper json) {
    return new JdbcDeploymentRecordActivities(jdbc, json);
  }

  /** Deployment events: {@code webhook_outbox} rows; the webhook relay sends them. */
  @Bean
  OutboxDeploymentEvents deploymentEventActivities(JdbcTemplate jdbc, ObjectMapper json) {
    return new OutboxDeploymentEvents(jdbc, json);
  }

  /**
   * One attempt of a webhook message (Standard Webhooks): subscriptions signed with their sealed
   * secrets, the per-request {@code webhook_url} and {@code WEBHOOK_URL} with {@code
   * WEBHOOK_SIGNING_SECRET}, every POST through the outbound guard.
   */
  @Bean
  WebhookSendActivitiesImpl webhookSendActivities(
      JdbcTemplate jdbc,
      WorkerProperties properties,
      OutboundGuard outbound,
      ClusterBeans.WorkerSecretBox secrets,
      ObjectMapper json,
      OutboundBreakers breakers,
      @Value("${shipyard.deployments.webhook-url:}") String webhookUrl,
      @Value("${shipyard.webhooks.disable-after:5d}") Duration disableAfter) {
    String signingSecret = properties.webhooks().signingSecret();
    if (signingSecret == null || signingSecret.isBlank()) {
      log.warn(
          "Webhooks: WEBHOOK_SIGNING_SECRET is not set; webhook_url and WEBHOOK_URL webhooks will"
              + " not be sent");
    }
    if (webhookUrl == null || webhookUrl.isBlank()) {
      log.info(
          "Deployment webhooks: WEBHOOK_URL is not set; deployment events go to subscriptions only");
    }
    return new WebhookSendActivitiesImpl(
        jdbc,
        new OutboundHttp(outbound, Duration.ofSeconds(10), Duration.ofSeconds(15)),
        secrets.box(),
        webhookUrl,
        signingSecret,
        disableAfter,
        Clock.systemUTC(),
        json,
        breakers);
  }

  @Bean
  BuildProjectActivitiesImpl buildProjectActivities(
      Engines engines, BlobStore blobs, JdbcTemplate jdbc) {
    return new BuildProjectActivitiesImpl(engines.all(), engines.defaultEngine(), blobs, jdbc);
  }

  /**
   * The build step with the worker's {@link ProjectBuilder} (the sandbox's beans provide it);
   * without one, builds fail at their build step with {@code BUILDER_UNAVAILABLE}.
   */
  @Bean
  BuildStepActivitiesImpl buildStepActivities(
      ObjectProvider<ProjectBuilder> builder,
      ObjectProvider<BuildWorkspaces> workspaces,
      BlobStore blobs,
      JdbcTemplate jdbc,
      TaskEventWriter events) {
    return new BuildStepActivitiesImpl(
        builder::getIfAvailable, workspaces::getIfAvailable, blobs, jdbc, events);
  }

  @Bean
  BuildRecordActivitiesImpl buildRecordActivities(JdbcTemplate jdbc) {
    return new BuildRecordActivitiesImpl(jdbc);
  }

  /**
   * Code analyses: the real analyzers run through the worker's {@link Sandbox}. Without one (the
   * sandbox is not configured on this worker) every sandboxed analyzer is named missing in the
   * results, never skipped silently.
   */
  @Bean
  AnalysisActivitiesImpl analysisActivities(
      ObjectProvider<Sandbox> sandbox,
      ObjectProvider<ProjectBuilder> builder,
      ObjectProvider<BuildWorkspaces> workspaces,
      WorkerProperties properties,
      BlobStore blobs,
      JdbcTemplate jdbc,
      TaskEventWriter events,
      ObjectMapper json) {
    WorkerProperties.Analysis analysis = properties.analysis();
    String eslint = analysis == null ? null : analysis.eslint();
    AnalysisSettings settings =
        AnalysisSettings.defaults(eslint == null || eslint.isBlank() ? null : Path.of(eslint));
    if (analysis != null && analysis.path() != null && !analysis.path().isBlank()) {
      settings = settings.withPath(analysis.path());
    }
    Sandbox chosen = Sandboxes.resolving(() -> sandbox.getIfUnique(() -> Sandboxes.NONE));
    log.info("Analyses: analyzers run in sandbox '{}'", chosen.name());
    return new AnalysisActivitiesImpl(
        new RealAnalyzers(chosen, settings),
        builder::getIfAvailable,
        workspaces::getIfAvailable,
        blobs,
        jdbc,
        events,
        json);
  }

  /**
   * Deployments' side effects on the cluster (fabric8): the cluster of {@code shipyard.cluster.*},
   * secrets opened from {@code deployment_secrets} with {@code SECRETS_KEYS}.
   */
  @Bean
  DeploymentClusterActivitiesImpl deploymentClusterActivities(
      DeploymentCluster cluster,
      ClusterBeans.WorkerSecretBox secrets,
      JdbcTemplate jdbc,
      OutboundBreakers breakers) {
    return new DeploymentClusterActivitiesImpl(
        cluster, new JdbcDeploymentSecrets(jdbc), secrets::box, Clock.systemUTC(), breakers);
  }

  /** Rollout watches: the Deployment and its pods read every 500 ms. */
  @Bean
  DeploymentRolloutActivitiesImpl deploymentRolloutActivities(DeploymentCluster cluster) {
    return new DeploymentRolloutActivitiesImpl(cluster, Clock.systemUTC(), Duration.ofMillis(500));
  }

  /** The {@code s3} delivery provider; its endpoints pass the outbound guard. */
  @Bean
  S3Destination s3Destination(OutboundGuard outbound) {
    return new S3Destination(outbound);
  }

  /**
   * Delivery destinations: one {@link DeliveryDestination} bean per provider of {@code
   * DeliveryProviders} (the worker does not start otherwise), credentials opened with {@code
   * SECRETS_KEYS}.
   */
  @Bean
  DeliveryDestinationActivitiesImpl deliveryDestinationActivities(
      List<DeliveryDestination> destinations,
      JdbcTemplate jdbc,
      BlobStore blobs,
      ClusterBeans.WorkerSecretBox secrets) {
    return new DeliveryDestinationActivitiesImpl(destinations, jdbc, blobs, secrets::box);
  }

  @Bean
  JdbcDeliveryRecordActivities deliveryRecordActivities(JdbcTemplate jdbc) {
    return new JdbcDeliveryRecordActivities(jdbc);
  }

  /** Image builds (Jib, no daemon): {@code shipyard.images.*} ({@code IMAGE_*}). */
  @Bean
  ImageBuildActivitiesImpl imageBuildActivities(
      BlobStore blobs,
      @Value("${shipyard.images.registry:}") String registry,
      @Value("${shipyard.images.registry-insecure:false}") boolean insecure,
      @Value("${shipyard.images.registry-username:}") String username,
      @Value("${shipyard.images.registry-password:}") String password,
      @Value("${shipyard.images.base-java:}") String baseJava,
      @Value("${shipyard.images.base-python:}") String basePython,
      @Value("${shipyard.images.base-node:}") String baseNode,
      @Value("${shipyard.images.cache-dir:}") String cacheDir) {
    ImageSettings settings =
        new ImageSettings(
            registry,
            insecure,
            username,
            password,
            Map.of("java-maven", baseJava, "python", basePython, "node", baseNode),
            cacheDir.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "shipyard-images")
                : Path.of(cacheDir));
    log.info("Images: {}", settings);
    return new ImageBuildActivitiesImpl(new ProjectFiles(blobs), new JibImageBuilder(settings));
  }

  @Bean
  JdbcImageRecordActivities imageRecordActivities(JdbcTemplate jdbc, ObjectMapper json) {
    return new JdbcImageRecordActivities(jdbc, json);
  }

  /** Commits and pushes of the {@code git} and {@code github} delivery providers. */
  @Bean
  GitPusher gitPusher(
      OutboundGuard outbound,
      @Value("${shipyard.delivery.git.author-name:Shipyard}") String authorName,
      @Value("${shipyard.delivery.git.author-email:shipyard@localhost}") String authorEmail,
      @Value("${shipyard.delivery.git.allow-file-remotes:false}") boolean allowFileRemotes,
      @Value("${shipyard.delivery.git.timeout:2m}") Duration timeout) {
    return new GitPusher(
        outbound, new GitSettings(authorName, authorEmail, allowFileRemotes, timeout));
  }

  /** The {@code git} delivery provider: any remote, its host through the outbound guard. */
  @Bean
  GitDestination gitDestination(GitPusher pusher) {
    return new GitDestination(pusher);
  }

  /**
   * The {@code github} delivery provider: REST calls and pushes through the outbound guard, the API
   * behind its breaker ({@code github:<host>}).
   */
  @Bean
  GitHubDestination githubDestination(
      GitPusher pusher, OutboundGuard outbound, OutboundBreakers breakers) {
    return new GitHubDestination(
        pusher,
        new OutboundHttp(outbound, Duration.ofSeconds(10), Duration.ofSeconds(60)),
        breakers);
  }

  /**
   * The {@code azure} delivery provider: every request through the outbound guard, each storage
   * endpoint behind its breaker ({@code azure-blob:<host>:<port>}).
   */
  @Bean
  AzureDestination azureDestination(OutboundGuard outbound, OutboundBreakers breakers) {
    return new AzureDestination(outbound, breakers);
  }

  /** Helm chart validation: strict lint and template by the helm that helm-java bundles. */
  @Bean
  HelmChartValidationActivitiesImpl helmChartValidationActivities(
      BlobStore blobs, JdbcTemplate jdbc, ObjectMapper json) {
    return new HelmChartValidationActivitiesImpl(blobs, jdbc, json);
  }
}
