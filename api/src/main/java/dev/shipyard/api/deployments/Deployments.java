package dev.shipyard.api.deployments;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.shipyard.api.deployments.DeploymentRequests.NewDeployment;
import dev.shipyard.api.deployments.DeploymentRequests.RegistryAuth;
import dev.shipyard.api.deployments.DeploymentRequests.SpecUpdate;
import dev.shipyard.api.deployments.DeploymentStore.Row;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.workflows.deployments.Actor;
import dev.shipyard.workflows.deployments.ChangeResult;
import dev.shipyard.workflows.deployments.CustomDomain;
import dev.shipyard.workflows.deployments.DeploymentInput;
import dev.shipyard.workflows.deployments.DeploymentSettings;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.DomainChange;
import dev.shipyard.workflows.deployments.DomainRemoval;
import dev.shipyard.workflows.deployments.ObservedState;
import dev.shipyard.workflows.deployments.RollbackChange;
import dev.shipyard.workflows.deployments.ScaleChange;
import dev.shipyard.workflows.deployments.ServiceChange;
import dev.shipyard.workflows.deployments.ServiceRemoval;
import dev.shipyard.workflows.deployments.ServiceSpec;
import dev.shipyard.workflows.deployments.SpecChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The one deployment engine behind both documents ({@code /v1/deployments} and {@code
 * /api/deployments}, {@code /api/services}): creates (row, sealed secrets and run in one
 * transaction, then the workflow; nothing left behind when the start fails), and every change as a
 * Workflow Update of the deployment's workflow. After an accepted change the row's desired columns
 * are refreshed from the workflow's {@code state}, so reads come from PostgreSQL.
 */
@Component
class Deployments {

  private static final Logger log = LoggerFactory.getLogger(Deployments.class);

  private final DeploymentStore store;
  private final DeploymentWorkflows workflows;
  private final ClusterSettings cluster;
  private final ObjectProvider<SecretBox> box;
  private final DeploymentProperties properties;
  private final ObjectMapper json;
  private final ObjectMapper canonical;
  private final javax.crypto.spec.SecretKeySpec requestHashKey;

  Deployments(
      DeploymentStore store,
      DeploymentWorkflows workflows,
      ClusterSettings cluster,
      ObjectProvider<SecretBox> box,
      DeploymentProperties properties,
      ObjectMapper json,
      dev.shipyard.api.security.AuthProperties auth) {
    this.requestHashKey = requestHashKey(auth.jwtSecret());
    this.store = store;
    this.workflows = workflows;
    this.cluster = cluster;
    this.box = box;
    this.properties = properties;
    this.json = json;
    this.canonical = json.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  }

  ClusterSettings cluster() {
    return cluster;
  }

  Duration changeTimeout() {
    return properties.changeTimeout();
  }

  /**
   * The hash an {@code Idempotency-Key} is bound to: HMAC-SHA256 of the canonical body under a key
   * derived from {@code JWT_SECRET}. Keyed, because the body holds environment values and registry
   * passwords: a plain digest stored next to the row could be tested offline against guesses. A new
   * {@code JWT_SECRET} only makes a retry with an old key a 409 (another body).
   */
  String requestHash(String family, JsonNode body) {
    try {
      Object tree = canonical.treeToValue(body, Object.class);
      byte[] bytes =
          (family + "\n" + canonical.writeValueAsString(tree)).getBytes(StandardCharsets.UTF_8);
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(requestHashKey);
      return HexFormat.of().formatHex(mac.doFinal(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HMAC-SHA256(JWT_SECRET, "shipyard deployment request hash"): the request hashes' key. */
  private static javax.crypto.spec.SecretKeySpec requestHashKey(String jwtSecret) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(
              jwtSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] key = mac.doFinal("shipyard deployment request hash".getBytes(StandardCharsets.UTF_8));
      return new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256");
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates a deployment, or answers the one created earlier with the same {@code idempotencyKey}
   * and the same body (another body with that key is 409).
   */
  Mono<Row> create(
      Caller caller,
      NewDeployment request,
      String idempotencyKey,
      String requestHash,
      String requestId) {
    Mono<Row> earlier =
        idempotencyKey == null
            ? Mono.empty()
            : store
                .byIdempotencyKey(caller, idempotencyKey)
                .flatMap(
                    row ->
                        row.requestHash() != null && row.requestHash().equals(requestHash)
                            ? Mono.just(row)
                            : Mono.error(
                                new ApiException(
                                    HttpStatus.CONFLICT,
                                    "IDEMPOTENCY_KEY_REUSED",
                                    "This Idempotency-Key was used for another request")));
    return earlier.switchIfEmpty(
        Mono.defer(() -> createNew(caller, request, idempotencyKey, requestHash, requestId))
            // Sealing draws on SecureRandom, which may read /dev/urandom: off the event loop.
            .subscribeOn(Schedulers.boundedElastic()));
  }

  private Mono<Row> createNew(
      Caller caller,
      NewDeployment request,
      String idempotencyKey,
      String requestHash,
      String requestId) {
    requireCluster();
    SecretBox secrets = requireBox();
    UUID id = Secrets.uuid();
    DeploymentObjects objects =
        DeploymentObjects.of(cluster, id.toString(), caller.userId().toString(), request.appName());
    String url = DeploymentObjects.url(cluster, request.appName());
    DeploymentSpec spec =
        new DeploymentSpec(
            request.image(),
            request.port(),
            request.replicas(),
            request.resources(),
            new ArrayList<>(new TreeMap<>(request.env()).keySet()),
            1,
            request.registryAuth() != null,
            request.healthCheck());
    DeploymentStore.NewRow row =
        new DeploymentStore.NewRow(
            id,
            caller.tenantId(),
            caller.userId(),
            request.appName(),
            DeploymentTarget.workflowId(id.toString()),
            objects.namespace(),
            objects.name(),
            spec,
            url,
            request.helmChartId(),
            idempotencyKey,
            requestHash,
            sealEnv(secrets, id, 1, request.env()),
            sealRegistry(secrets, id, 1, request.registryAuth()));
    DeploymentTarget target =
        new DeploymentTarget(
            id.toString(),
            caller.userId().toString(),
            request.appName(),
            objects.namespace(),
            objects.name());
    DeploymentInput input =
        new DeploymentInput(
            target, caller.tenantId(), caller.username(), spec, settings(url), null);
    String summary = request.appName() + " · " + request.image() + " · " + caller.username();
    return store
        .insert(row)
        .onErrorResume(
            e ->
                e instanceof ApiException api
                    && "IDEMPOTENCY_RACE".equals(api.error().code())
                    && idempotencyKey != null,
            e -> Mono.error(new RaceLost()))
        .then(
            workflows
                .start(input, summary)
                .onErrorResume(
                    e -> {
                      log.warn("Deployment workflow {} did not start", row.workflowId(), e);
                      return store
                          .remove(id, row.workflowId())
                          .then(
                              Mono.error(
                                  new ApiException(
                                      HttpStatus.SERVICE_UNAVAILABLE,
                                      "WORKFLOW_UNAVAILABLE",
                                      "The deployment could not be started; nothing was created."
                                          + " Try again")));
                    }))
        .then(Mono.defer(() -> store.find(caller, id)))
        .onErrorResume(
            RaceLost.class, e -> create(caller, request, idempotencyKey, requestHash, requestId));
  }

  /** A concurrent create with the same idempotency key won: answer its deployment. */
  private static final class RaceLost extends RuntimeException {
    RaceLost() {
      super(null, null, false, false);
    }
  }

  private DeploymentSettings settings(String url) {
    return new DeploymentSettings(
        (int) properties.progressDeadline().toSeconds(),
        (int) Math.max(1, properties.reconcilePeriod().toSeconds()),
        properties.autoRollback(),
        cluster.mode().label(),
        url,
        properties.continueAsNewEvents(),
        properties.inlineReleases());
  }

  void requireCluster() {
    if (cluster.mode() == ClusterSettings.Mode.NONE) {
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "NO_CLUSTER",
          "No Kubernetes cluster is configured: set KUBECONFIG_PATH (or KUBERNETES_IN_CLUSTER=true)");
    }
  }

  private SecretBox requireBox() {
    SecretBox secrets = box.getIfAvailable();
    if (secrets == null) {
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "NO_SECRETS_KEYS",
          "Deployments need SECRETS_KEYS (id:base64-of-32-bytes) to seal environment values and"
              + " registry credentials");
    }
    return secrets;
  }

  private String sealEnv(SecretBox secrets, UUID id, int revision, Map<String, String> env) {
    try {
      return secrets.seal(
          "deployment:" + id + ":env:" + revision, json.writeValueAsString(new TreeMap<>(env)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String sealRegistry(SecretBox secrets, UUID id, int revision, RegistryAuth auth) {
    if (auth == null) {
      return null;
    }
    try {
      return secrets.seal(
          "deployment:" + id + ":registry:" + revision,
          json.writeValueAsString(
              Map.of("username", auth.username(), "password", auth.password())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The environment values of the row's current secrets revision, for its owner. */
  Mono<Map<String, String>> env(Row row) {
    SecretBox secrets = box.getIfAvailable();
    if (secrets == null) {
      return Mono.just(Map.of());
    }
    return store
        .secrets(row.id(), row.secretsRevision())
        .map(s -> openEnv(secrets, row.id(), row.secretsRevision(), s.env()))
        .defaultIfEmpty(Map.of());
  }

  private Map<String, String> openEnv(SecretBox secrets, UUID id, int revision, String sealed) {
    if (sealed == null) {
      return Map.of();
    }
    try {
      return json.readValue(
          secrets.open("deployment:" + id + ":env:" + revision, sealed),
          new TypeReference<TreeMap<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private RegistryAuth openRegistry(SecretBox secrets, UUID id, int revision, String sealed) {
    if (sealed == null) {
      return null;
    }
    try {
      Map<String, String> m =
          json.readValue(
              secrets.open("deployment:" + id + ":registry:" + revision, sealed),
              new TypeReference<Map<String, String>>() {});
      return new RegistryAuth(m.get("username"), m.get("password"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Actor actor(Caller caller, String requestId) {
    return new Actor(caller.userId().toString(), caller.username(), requestId);
  }

  /**
   * A spec update: new environment values or registry credentials are sealed into a new secrets
   * revision first (the other half carried over), which is removed again when the update is
   * refused.
   */
  Mono<ChangeResult> update(Caller caller, Row row, SpecUpdate update, String requestId) {
    Actor actor = actor(caller, requestId);
    if (!update.newSecrets()) {
      return change(
          row,
          w ->
              DeploymentWorkflows.call(
                  w::update,
                  new SpecChange(
                      actor,
                      update.image(),
                      update.port(),
                      update.replicas(),
                      update.resources(),
                      null,
                      null,
                      null,
                      update.healthCheck())));
    }
    SecretBox secrets = requireBox();
    return store
        .secrets(row.id(), row.secretsRevision())
        .defaultIfEmpty(new DeploymentStore.Sealed(null, null))
        .zipWith(store.nextRevision(row.id()))
        .publishOn(Schedulers.boundedElastic())
        .flatMap(
            t -> {
              int revision = t.getT2();
              Map<String, String> env =
                  update.env() != null
                      ? update.env()
                      : openEnv(secrets, row.id(), row.secretsRevision(), t.getT1().env());
              RegistryAuth registry =
                  update.registryAuth() != null
                      ? update.registryAuth()
                      : openRegistry(
                          secrets, row.id(), row.secretsRevision(), t.getT1().registry());
              SpecChange change =
                  new SpecChange(
                      actor,
                      update.image(),
                      update.port(),
                      update.replicas(),
                      update.resources(),
                      new ArrayList<>(new TreeMap<>(env).keySet()),
                      revision,
                      registry != null,
                      update.healthCheck());
              return store
                  .addRevision(
                      row.id(),
                      revision,
                      sealEnv(secrets, row.id(), revision, env),
                      sealRegistry(secrets, row.id(), revision, registry))
                  .then(
                      change(row, w -> DeploymentWorkflows.call(w::update, change))
                          .onErrorResume(
                              e -> refused(e),
                              e -> store.removeRevision(row.id(), revision).then(Mono.error(e))));
            });
  }

  /** Whether the workflow refused a change (so nothing of it may stay). */
  static boolean refused(Throwable e) {
    return e instanceof ApiException api && api.error().status().is4xxClientError();
  }

  Mono<ChangeResult> scale(Caller caller, Row row, int replicas, String requestId) {
    ScaleChange change = new ScaleChange(actor(caller, requestId), replicas);
    return change(row, w -> DeploymentWorkflows.call(w::scale, change));
  }

  Mono<ChangeResult> stop(Caller caller, Row row, String requestId) {
    Actor actor = actor(caller, requestId);
    return change(row, w -> DeploymentWorkflows.call(w::stop, actor));
  }

  Mono<ChangeResult> start(Caller caller, Row row, String requestId) {
    Actor actor = actor(caller, requestId);
    return change(row, w -> DeploymentWorkflows.call(w::start, actor));
  }

  Mono<ChangeResult> rollback(
      Caller caller, Row row, DeploymentRequests.RollbackTarget target, String requestId) {
    RollbackChange change =
        new RollbackChange(actor(caller, requestId), target.release(), target.digest());
    return change(row, w -> DeploymentWorkflows.call(w::rollback, change));
  }

  /** Deletes through the workflow, then marks the row deleted (its app name is free again). */
  Mono<ChangeResult> delete(Caller caller, Row row, String requestId) {
    Actor actor = actor(caller, requestId);
    return workflows
        .<ChangeResult>update(
            row.workflowId(),
            w -> DeploymentWorkflows.call(w::delete, actor),
            properties.changeTimeout())
        .flatMap(result -> store.markDeleted(row.id()).thenReturn(result));
  }

  Mono<ChangeResult> addDomain(
      Caller caller, Row row, UUID domainId, String host, String requestId) {
    DomainChange change =
        new DomainChange(actor(caller, requestId), new CustomDomain(domainId.toString(), host));
    return workflows.update(
        row.workflowId(),
        w -> DeploymentWorkflows.call(w::addDomain, change),
        properties.changeTimeout());
  }

  Mono<ChangeResult> removeDomain(Caller caller, Row row, UUID domainId, String requestId) {
    DomainRemoval change = new DomainRemoval(actor(caller, requestId), domainId.toString());
    return workflows.update(
        row.workflowId(),
        w -> DeploymentWorkflows.call(w::removeDomain, change),
        properties.changeTimeout());
  }

  Mono<ChangeResult> putService(
      Caller caller, String workflowId, ServiceSpec spec, String requestId) {
    ServiceChange change = new ServiceChange(actor(caller, requestId), spec);
    return workflows.update(
        workflowId,
        w -> DeploymentWorkflows.call(w::putService, change),
        properties.changeTimeout());
  }

  Mono<ChangeResult> removeService(
      Caller caller, String workflowId, UUID serviceId, String requestId) {
    ServiceRemoval change = new ServiceRemoval(actor(caller, requestId), serviceId.toString());
    return workflows.update(
        workflowId,
        w -> DeploymentWorkflows.call(w::removeService, change),
        properties.changeTimeout());
  }

  /** Whether the workflow has applied the service (it is in its state). */
  Mono<Boolean> serviceApplied(String workflowId, UUID serviceId) {
    return workflows
        .state(workflowId, properties.statusTimeout())
        .map(s -> s.services().stream().anyMatch(x -> x.id().equals(serviceId.toString())))
        .onErrorReturn(false);
  }

  /** A read of the cluster now, through the workflow ({@code refresh}). */
  Mono<ObservedState> refresh(Row row) {
    return workflows.update(
        row.workflowId(), w -> DeploymentWorkflows.call(w::refresh), properties.statusTimeout());
  }

  /** The workflow's last read of the cluster, null when it has not read it yet. */
  Mono<ObservedState> lastObservation(Row row) {
    // A query is answered from the workflow's state without waiting for its handlers: it gets
    // longer than the fresh read did.
    return workflows
        .state(row.workflowId(), properties.changeTimeout())
        .flatMap(s -> Mono.justOrEmpty(s.observed()));
  }

  /** Sends a change and, once accepted and applied, refreshes the row's desired columns. */
  private Mono<ChangeResult> change(
      Row row,
      Function<
              dev.shipyard.workflows.deployments.DeploymentWorkflow,
              DeploymentWorkflows.WorkflowUpdateHandleStarter<ChangeResult>>
          update) {
    return workflows
        .update(row.workflowId(), update, properties.changeTimeout())
        .flatMap(result -> syncDesired(row).thenReturn(result));
  }

  private Mono<Void> syncDesired(Row row) {
    return workflows
        .state(row.workflowId(), properties.statusTimeout())
        .flatMap(state -> store.syncDesired(row.id(), state.desired()))
        .onErrorResume(
            e -> {
              log.warn("Deployment {}: desired state not copied to its row", row.id(), e);
              return Mono.empty();
            });
  }
}
