package dev.shipyard.standalone.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated cluster's controllers in one loop ({@link SimulatedCluster} runs it every 200 ms):
 * for every Deployment it creates and deletes pods to match the replicas of its current template
 * (names {@code <deployment>-<template hash>-<n>}, the template's labels plus {@code
 * pod-template-hash}, owned by the Deployment; old-template pods go once every new one is ready),
 * plays the kubelet (pod phase, container states, readiness after the readiness probe's initial
 * delay, capped at 2 s; image IDs by digest), writes the pods' logs, writes the Deployment's status
 * (observedGeneration, replica counts, the Available and Progressing conditions, including {@code
 * ProgressDeadlineExceeded} once {@code progressDeadlineSeconds} pass without progress), and
 * deletes the pods of deleted Deployments. There are no ReplicaSets, nodes, events or metrics.
 *
 * <p>Failure modes, chosen by the image reference (README: Clusters): {@code crashloop} in it: the
 * container crashes, waiting in {@code CrashLoopBackOff} with a growing restart count, never ready;
 * {@code imagepullbackoff}: {@code ErrImagePull}, then {@code ImagePullBackOff}, no logs; {@code
 * slow}: ready only after {@value #SLOW_READY_MS} ms, or {@code slow<n>s} (e.g. {@code
 * acme/app:slow30s}) after n seconds (at most 600): a rollout that lasts long enough for a test to
 * act in the middle of it on a busy machine.
 */
final class SimulatedController {

  private static final Logger log = LoggerFactory.getLogger(SimulatedController.class);

  static final String TEMPLATE_HASH = "pod-template-hash";
  static final long MAX_READINESS_DELAY_MS = 2_000;
  static final long SLOW_READY_MS = 3_000;
  static final long CRASH_PERIOD_MS = 2_000;
  static final long PULL_BACKOFF_AFTER_MS = 1_000;

  enum Mode {
    NORMAL,
    SLOW,
    CRASHLOOP,
    IMAGE_PULL;

    static Mode of(String image) {
      String ref = image == null ? "" : image.toLowerCase(Locale.ROOT);
      if (ref.contains("crashloop")) {
        return CRASHLOOP;
      }
      if (ref.contains("imagepullbackoff")) {
        return IMAGE_PULL;
      }
      if (ref.contains("slow")) {
        return SLOW;
      }
      return NORMAL;
    }
  }

  private static final java.util.regex.Pattern SLOW_SECONDS =
      java.util.regex.Pattern.compile("slow(\\d{1,3})s");

  /** How long a {@code slow} image takes to become ready: {@code slow<n>s} names n seconds. */
  static long slowReadyMs(String image) {
    java.util.regex.Matcher m =
        SLOW_SECONDS.matcher(image == null ? "" : image.toLowerCase(Locale.ROOT));
    return m.find() ? Math.min(600, Long.parseLong(m.group(1))) * 1000L : SLOW_READY_MS;
  }

  /** What the controller knows of a pod it created (the kubelet's view). */
  static final class SimPod {
    final String namespace;
    final String name;
    final String container;
    final String image;
    final int port;
    final Mode mode;
    final Instant created;
    final long readyAfterMs;
    final String probePath;
    final long probePeriodMs;
    int restartsLogged;
    Instant lastProbe;
    boolean started;

    SimPod(String namespace, String name, Container c, Instant created) {
      this.namespace = namespace;
      this.name = name;
      this.container = c.getName();
      this.image = c.getImage();
      this.port =
          c.getPorts() == null || c.getPorts().isEmpty()
              ? 0
              : c.getPorts().get(0).getContainerPort();
      this.mode = Mode.of(image);
      this.created = created;
      Probe readiness = c.getReadinessProbe();
      long delay =
          readiness == null || readiness.getInitialDelaySeconds() == null
              ? 0
              : readiness.getInitialDelaySeconds() * 1000L;
      this.readyAfterMs =
          mode == Mode.SLOW ? slowReadyMs(image) : Math.min(delay, MAX_READINESS_DELAY_MS);
      this.probePath =
          readiness == null || readiness.getHttpGet() == null
              ? null
              : readiness.getHttpGet().getPath();
      this.probePeriodMs =
          readiness == null || readiness.getPeriodSeconds() == null
              ? 10_000
              : Math.max(1, readiness.getPeriodSeconds()) * 1000L;
    }

    boolean ready(Instant now) {
      return (mode == Mode.NORMAL || mode == Mode.SLOW)
          && now.toEpochMilli() - created.toEpochMilli() >= readyAfterMs;
    }

    int restarts(Instant now) {
      return mode == Mode.CRASHLOOP
          ? (int) ((now.toEpochMilli() - created.toEpochMilli()) / CRASH_PERIOD_MS)
          : 0;
    }
  }

  /** The progress of a Deployment's current generation (for its progress deadline). */
  private record Progress(long generation, Instant lastProgress, int ready, boolean exceeded) {}

  private final KubernetesClient client;
  private final PodLogs logs;
  private final Clock clock;
  private final Map<String, SimPod> pods = new ConcurrentHashMap<>();
  private final Map<String, Progress> progress = new ConcurrentHashMap<>();
  private volatile Set<String> seenPods = Set.of();

  SimulatedController(KubernetesClient client, PodLogs logs, Clock clock) {
    this.client = client;
    this.logs = logs;
    this.clock = clock;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** One round; a failure is logged and the next round tries again. */
  void tick() {
    try {
      reconcile();
    } catch (KubernetesClientException e) {
      log.debug("Simulated cluster: controller round failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Simulated cluster: controller round failed", e);
    }
  }

  void reconcile() {
    Instant now = clock.instant();
    List<Deployment> deployments = client.apps().deployments().inAnyNamespace().list().getItems();
    List<Pod> allPods = client.pods().inAnyNamespace().list().getItems();
    Set<String> seen = new HashSet<>();
    allPods.forEach(p -> seen.add(key(p.getMetadata().getNamespace(), p.getMetadata().getName())));
    seenPods = Set.copyOf(seen);
    // pods deleted by someone else are forgotten
    pods.values()
        .removeIf(
            p -> {
              boolean gone = !seen.contains(key(p.namespace, p.name));
              if (gone) {
                logs.forget(p.namespace, p.name);
              }
              return gone;
            });

    Set<String> live = new HashSet<>();
    Map<String, List<Pod>> owned = new HashMap<>();
    for (Pod pod : allPods) {
      String owner = deploymentOwner(pod);
      if (owner != null) {
        owned
            .computeIfAbsent(key(pod.getMetadata().getNamespace(), owner), k -> new ArrayList<>())
            .add(pod);
      }
    }
    for (Deployment d : deployments) {
      String k = key(d.getMetadata().getNamespace(), d.getMetadata().getName());
      live.add(k);
      reconcile(d, owned.getOrDefault(k, List.of()), now);
    }
    // the garbage collector: pods of deleted Deployments
    owned.forEach(
        (k, list) -> {
          if (!live.contains(k)) {
            list.forEach(this::deletePod);
          }
        });
    progress.keySet().removeIf(k -> !live.contains(k));
  }

  private static String deploymentOwner(Pod pod) {
    if (pod.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    for (OwnerReference ref : pod.getMetadata().getOwnerReferences()) {
      if ("Deployment".equals(ref.getKind())) {
        return ref.getName();
      }
    }
    return null;
  }

  private void reconcile(Deployment d, List<Pod> owned, Instant now) {
    String ns = d.getMetadata().getNamespace();
    String name = d.getMetadata().getName();
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    PodTemplateSpec template = d.getSpec().getTemplate();
    String hash = templateHash(template);

    List<Pod> current = new ArrayList<>();
    List<Pod> old = new ArrayList<>();
    for (Pod pod : owned) {
      Map<String, String> labels = pod.getMetadata().getLabels();
      (labels != null && hash.equals(labels.get(TEMPLATE_HASH)) ? current : old).add(pod);
    }
    current.sort((a, b) -> Integer.compare(index(a), index(b)));
    while (current.size() > replicas) {
      deletePod(current.remove(current.size() - 1));
    }
    Set<Integer> used = new HashSet<>();
    current.forEach(p -> used.add(index(p)));
    for (int i = 0; current.size() < replicas; i++) {
      if (!used.contains(i)) {
        current.add(createPod(d, template, hash, i, now));
      }
    }
    // the kubelet: statuses and logs of every pod of the Deployment
    int readyCurrent = 0;
    for (Pod pod : current) {
      if (kubelet(pod, now)) {
        readyCurrent++;
      }
    }
    int readyOld = 0;
    for (Pod pod : old) {
      if (kubelet(pod, now)) {
        readyOld++;
      }
    }
    // the rollout: old pods go once the new ones are all ready (or nothing is asked)
    if (!old.isEmpty() && (readyCurrent >= replicas)) {
      old.forEach(this::deletePod);
      old.clear();
      readyOld = 0;
    }
    writeStatus(d, hash, replicas, current.size(), old.size(), readyCurrent, readyOld, now);
  }

  private static int index(Pod pod) {
    String name = pod.getMetadata().getName();
    try {
      return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  /** A short hash of the pod template, as the Deployment controller names ReplicaSets. */
  static String templateHash(PodTemplateSpec template) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Serialization.asJson(template).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Pod createPod(
      Deployment d, PodTemplateSpec template, String hash, int index, Instant now) {
    String ns = d.getMetadata().getNamespace();
    String name = d.getMetadata().getName() + "-" + hash + "-" + index;
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(TEMPLATE_HASH, hash);
    PodSpec spec = new PodSpecBuilder(template.getSpec()).withNodeName("simulated-node").build();
    Container container = spec.getContainers().get(0);
    SimPod sim = new SimPod(ns, name, container, now);
    pods.put(key(ns, name), sim);
    logs.forget(ns, name);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .withLabels(labels)
            .withAnnotations(
                template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("Deployment")
                    .withName(d.getMetadata().getName())
                    .withUid(d.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withSpec(spec)
            .withStatus(status(sim, now))
            .build();
    log.debug("Simulated cluster: pod {}/{} created ({})", ns, name, sim.mode);
    return client.resource(pod).create();
  }

  private void deletePod(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    client.pods().inNamespace(ns).withName(name).delete();
    pods.remove(key(ns, name));
    logs.forget(ns, name);
  }

  /** Plays the kubelet for one pod: its logs and status; returns whether it is ready. */
  private boolean kubelet(Pod pod, Instant now) {
    SimPod sim = pods.get(key(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
    if (sim == null) {
      return ready(pod); // not ours (created by hand): as it says
    }
    writeLogs(sim, now);
    PodStatus desired = status(sim, now);
    if (!desired.equals(pod.getStatus())) {
      client
          .pods()
          .inNamespace(sim.namespace)
          .withName(sim.name)
          .editStatus(
              p -> {
                p.setStatus(desired);
                return p;
              });
    }
    return sim.ready(now);
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private void writeLogs(SimPod sim, Instant now) {
    switch (sim.mode) {
      case NORMAL, SLOW -> {
        if (!sim.started) {
          sim.started = true;
          logs.append(sim.namespace, sim.name, sim.created, "Starting " + sim.image);
          logs.append(sim.namespace, sim.name, sim.created, "Listening on port " + sim.port);
          sim.lastProbe = sim.created.plusMillis(sim.readyAfterMs - sim.probePeriodMs);
        }
        if (sim.probePath != null) {
          while (!sim.lastProbe.plusMillis(sim.probePeriodMs).isAfter(now)) {
            sim.lastProbe = sim.lastProbe.plusMillis(sim.probePeriodMs);
            logs.append(
                sim.namespace,
                sim.name,
                sim.lastProbe,
                "GET " + sim.probePath + " 200 (readiness probe)");
          }
        }
      }
      case CRASHLOOP -> {
        int restarts = sim.restarts(now);
        while (sim.restartsLogged <= restarts) {
          Instant at = sim.created.plusMillis(sim.restartsLogged * CRASH_PERIOD_MS);
          logs.append(sim.namespace, sim.name, at, "Starting " + sim.image);
          logs.append(
              sim.namespace,
              sim.name,
              at,
              "Error: simulated crash (the image reference contains 'crashloop')");
          logs.append(sim.namespace, sim.name, at, "Process exited with code 1");
          sim.restartsLogged++;
        }
      }
      case IMAGE_PULL -> {
        // never started: no logs
      }
    }
  }

  /** Why a pod's container has not started (image pull failures), else null. */
  String notStarted(String namespace, String pod) {
    SimPod sim = pods.get(key(namespace, pod));
    if (sim == null || sim.mode != Mode.IMAGE_PULL) {
      return null;
    }
    return "trying and failing to pull image";
  }

  /** The container of a pod the controller runs, null when it runs no such pod. */
  String containerOf(String namespace, String pod) {
    SimPod sim = pods.get(key(namespace, pod));
    return sim == null ? null : sim.container;
  }

  /** Whether the pod existed at the controller's last round. */
  boolean exists(String namespace, String pod) {
    return seenPods.contains(key(namespace, pod));
  }

  /** The digest a reference resolves to: the pinned one, else sha256 of the reference. */
  static String digest(String image) {
    int at = image.indexOf("@sha256:");
    if (at >= 0) {
      return image.substring(at + 1);
    }
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(image.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The repository of a reference: without tag or digest. */
  static String repository(String image) {
    String rest = image;
    int at = rest.indexOf('@');
    if (at >= 0) {
      rest = rest.substring(0, at);
    }
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      rest = rest.substring(0, colon);
    }
    return rest;
  }

  private static String time(Instant at) {
    return java.time.format.DateTimeFormatter.ISO_INSTANT.format(
        at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  static PodStatus status(SimPod sim, Instant now) {
    boolean ready = sim.ready(now);
    String started = time(sim.created);
    ContainerStatusBuilder container =
        new ContainerStatusBuilder()
            .withName(sim.container)
            .withImage(sim.image)
            .withReady(ready)
            .withRestartCount(sim.restarts(now));
    String phase = "Running";
    switch (sim.mode) {
      case NORMAL, SLOW ->
          container
              .withImageID("docker-pullable://" + repository(sim.image) + "@" + digest(sim.image))
              .withContainerID("simulated://" + sim.namespace + "/" + sim.name)
              .withStarted(true)
              .withNewState()
              .withNewRunning()
              .withStartedAt(started)
              .endRunning()
              .endState();
      case CRASHLOOP -> {
        int restarts = sim.restarts(now);
        container
            .withImageID("docker-pullable://" + repository(sim.image) + "@" + digest(sim.image))
            .withContainerID("simulated://" + sim.namespace + "/" + sim.name)
            .withStarted(false)
            .withNewState()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .withMessage(
                "back-off restarting failed container "
                    + sim.container
                    + " in pod "
                    + sim.name
                    + " (simulated: the image reference contains 'crashloop')")
            .endWaiting()
            .endState()
            .withNewLastState()
            .withNewTerminated()
            .withExitCode(1)
            .withReason("Error")
            .withStartedAt(time(sim.created.plusMillis(restarts * CRASH_PERIOD_MS)))
            .withFinishedAt(time(sim.created.plusMillis(restarts * CRASH_PERIOD_MS)))
            .endTerminated()
            .endLastState();
      }
      case IMAGE_PULL -> {
        phase = "Pending";
        boolean backoff = now.toEpochMilli() - sim.created.toEpochMilli() >= PULL_BACKOFF_AFTER_MS;
        container
            .withImageID("")
            .withStarted(false)
            .withNewState()
            .withNewWaiting()
            .withReason(backoff ? "ImagePullBackOff" : "ErrImagePull")
            .withMessage(
                backoff
                    ? "Back-off pulling image \"" + sim.image + "\""
                    : "failed to pull image \""
                        + sim.image
                        + "\" (simulated: the image reference contains 'imagepullbackoff')")
            .endWaiting()
            .endState();
      }
    }
    ContainerStatus built = container.build();
    String readyStatus = ready ? "True" : "False";
    return new PodStatusBuilder()
        .withPhase(phase)
        .withHostIP("10.0.0.1")
        .withPodIP(podIp(sim))
        .withStartTime(started)
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .withLastTransitionTime(started)
        .endCondition()
        .addNewCondition()
        .withType("Initialized")
        .withStatus("True")
        .withLastTransitionTime(started)
        .endCondition()
        .addNewCondition()
        .withType("ContainersReady")
        .withStatus(readyStatus)
        .endCondition()
        .addNewCondition()
        .withType("Ready")
        .withStatus(readyStatus)
        .endCondition()
        .withContainerStatuses(built)
        .build();
  }

  private static String podIp(SimPod sim) {
    int h = Math.abs(Objects.hash(sim.namespace, sim.name));
    return "10.1." + (h / 250 % 250) + "." + (h % 250 + 1);
  }

  private void writeStatus(
      Deployment d,
      String hash,
      int replicas,
      int updated,
      int oldCount,
      int readyCurrent,
      int readyOld,
      Instant now) {
    String ns = d.getMetadata().getNamespace();
    String name = d.getMetadata().getName();
    long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
    String k = key(ns, name);
    Progress p = progress.get(k);
    if (p == null || p.generation() != generation) {
      p = new Progress(generation, now, readyCurrent, false);
    } else if (readyCurrent > p.ready()) {
      p = new Progress(generation, now, readyCurrent, p.exceeded());
    }
    boolean complete = updated == replicas && readyCurrent == replicas && oldCount == 0;
    Integer deadline = d.getSpec().getProgressDeadlineSeconds();
    if (!complete
        && !p.exceeded()
        && deadline != null
        && now.toEpochMilli() - p.lastProgress().toEpochMilli() > deadline * 1000L) {
      p = new Progress(generation, p.lastProgress(), p.ready(), true);
    }
    progress.put(k, p);
    int ready = readyCurrent + readyOld;
    String replicaSet = "ReplicaSet \"" + name + "-" + hash + "\"";
    List<DeploymentCondition> existing =
        d.getStatus() == null || d.getStatus().getConditions() == null
            ? List.of()
            : d.getStatus().getConditions();
    DeploymentCondition available =
        ready >= replicas
            ? condition(
                existing,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                now)
            : condition(
                existing,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                now);
    DeploymentCondition progressing;
    if (complete) {
      progressing =
          condition(
              existing,
              "Progressing",
              "True",
              "NewReplicaSetAvailable",
              replicaSet + " has successfully progressed.",
              now);
    } else if (p.exceeded()) {
      progressing =
          condition(
              existing,
              "Progressing",
              "False",
              "ProgressDeadlineExceeded",
              replicaSet + " has timed out progressing.",
              now);
    } else {
      progressing =
          condition(
              existing,
              "Progressing",
              "True",
              "ReplicaSetUpdated",
              replicaSet + " is progressing.",
              now);
    }
    DeploymentStatus desired =
        new DeploymentStatusBuilder()
            .withObservedGeneration(generation)
            .withReplicas(updated + oldCount)
            .withUpdatedReplicas(updated)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withUnavailableReplicas(Math.max(0, updated + oldCount - ready))
            .withConditions(available, progressing)
            .build();
    if (!desired.equals(d.getStatus())) {
      client
          .apps()
          .deployments()
          .inNamespace(ns)
          .withName(name)
          .editStatus(
              x -> {
                x.setStatus(desired);
                return x;
              });
    }
  }

  /** A condition, keeping its times when nothing about it changed. */
  private static DeploymentCondition condition(
      List<DeploymentCondition> existing,
      String type,
      String status,
      String reason,
      String message,
      Instant now) {
    for (DeploymentCondition c : existing) {
      if (type.equals(c.getType())
          && status.equals(c.getStatus())
          && reason.equals(c.getReason())
          && message.equals(c.getMessage())) {
        return c;
      }
    }
    String at = time(now);
    String transition = at;
    for (DeploymentCondition c : existing) {
      if (type.equals(c.getType()) && status.equals(c.getStatus())) {
        transition = c.getLastTransitionTime();
      }
    }
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastUpdateTime(at)
        .withLastTransitionTime(transition)
        .build();
  }
}
