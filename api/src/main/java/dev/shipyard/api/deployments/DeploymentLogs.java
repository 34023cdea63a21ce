package dev.shipyard.api.deployments;

import dev.shipyard.api.deployments.OwnedDeployments.Owned;
import dev.shipyard.cluster.DeploymentObjects;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.TimestampBytesLimitTerminateTimeTailPrettyLoggable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A deployment's logs, read from the cluster by the API (read-only): the log of every pod labelled
 * {@link DeploymentObjects#LABEL_DEPLOYMENT} with the deployment's ID (its first container), with
 * the kubelet's timestamps, merged oldest first, each line with its level guessed from its words
 * and its pod as {@code source}. {@link #follow} polls the pods every {@link #POLL} with {@code
 * sinceTime} (which the API server reads to the second) and drops what it already sent, so a line
 * is sent once; pods that appear later (a scale-up, a rollout) are followed from their first line.
 * Nothing is kept beyond one read: {@code tail} is at most {@value #MAX_TAIL} lines.
 */
@Component
public class DeploymentLogs {

  public static final int DEFAULT_TAIL = 100;
  public static final int MAX_TAIL = 5000;
  static final Duration POLL = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(DeploymentLogs.class);
  private static final Pattern ERROR =
      Pattern.compile(
          "\\b(error|err|fatal|panic|critical|crit|exception|severe|crash\\w*|failed)\\b");
  private static final Pattern WARN = Pattern.compile("\\b(warn|warning)\\b");
  private static final Pattern DEBUG = Pattern.compile("\\b(debug|trace|dbg)\\b");

  private final DeploymentCluster cluster;

  DeploymentLogs(DeploymentCluster cluster) {
    this.cluster = cluster;
  }

  /** The cluster the logs are read from. */
  DeploymentCluster cluster() {
    return cluster;
  }

  /** One log line. */
  @Schema(name = "DeploymentLogLine", description = "One line of a pod's log")
  public record LogLine(
      @Schema(description = "the kubelet's timestamp of the line (RFC 3339, nanoseconds)")
          String timestamp,
      @Schema(
              description = "guessed from the line's words",
              allowableValues = {"error", "warn", "info", "debug"})
          String level,
      String message,
      @Schema(description = "the pod the line comes from") String source) {}

  /** {@code GET /v1/deployments/{id}/logs}. */
  @Schema(name = "DeploymentLogs")
  public record Logs(@Schema(description = "oldest first") List<LogLine> logs) {}

  /** A read line before it is rendered. */
  record Read(Instant at, String message, String pod) {
    LogLine line() {
      return new LogLine(at.toString(), level(message), message, pod);
    }
  }

  /** The last {@code tail} lines over the deployment's pods, oldest first. */
  public Mono<List<LogLine>> tail(Owned deployment, int tail) {
    return cluster
        .read(client -> lastLines(client, deployment, tail, new HashMap<>()))
        .map(lines -> lines.stream().map(Read::line).toList());
  }

  /**
   * The lines after {@code since} (null: the last {@code tail} lines first), then every new line as
   * it is written, until the subscriber cancels.
   */
  public Flux<LogLine> follow(Owned deployment, Instant since, int tail) {
    Follow follow = new Follow(deployment, since);
    Mono<List<Read>> first =
        since == null
            ? cluster.read(client -> follow.initial(client, tail))
            : cluster.read(follow::poll);
    Flux<List<Read>> polls =
        Flux.interval(POLL, POLL)
            .onBackpressureDrop()
            .concatMap(
                tick ->
                    cluster
                        .read(follow::poll)
                        .onErrorResume(
                            e -> {
                              log.debug(
                                  "Logs of deployment {}: a poll failed: {}",
                                  deployment.id(),
                                  e.toString());
                              return Mono.just(List.of());
                            }),
                1);
    return first.concatWith(polls).concatMap(Flux::fromIterable).map(Read::line);
  }

  /**
   * Per pod, the newest timestamp read and the last line read at exactly that timestamp. The
   * kubelet returns a pod's lines in the order they were written, and several may share a
   * timestamp: on the next poll (from the same second on), everything up to and including that line
   * was read before, whatever follows it is new.
   */
  private final class Follow {
    final Owned deployment;
    final Instant start;
    final Map<String, Instant> cursors = new HashMap<>();
    final Map<String, String> lastAtCursor = new HashMap<>();

    Follow(Owned deployment, Instant since) {
      this.deployment = deployment;
      this.start = since == null ? Instant.EPOCH : since;
    }

    /** The last {@code tail} lines, each pod's cursor at its newest line read. */
    List<Read> initial(KubernetesClient client, int tail) {
      Map<String, List<Read>> perPod = new HashMap<>();
      List<Read> last = lastLines(client, deployment, tail, perPod);
      perPod.forEach(
          (pod, lines) -> {
            Read newest = lines.get(lines.size() - 1);
            cursors.put(pod, newest.at());
            lastAtCursor.put(pod, newest.message());
          });
      return last;
    }

    /** The lines written since the last poll, over every pod, oldest first. */
    List<Read> poll(KubernetesClient client) {
      List<Read> fresh = new ArrayList<>();
      for (Pod pod : pods(client, deployment)) {
        String name = pod.getMetadata().getName();
        // A pod not read before starts after the client's "since": every line at exactly that
        // timestamp was seen by the client.
        boolean afterSince = !cursors.containsKey(name) && !start.equals(Instant.EPOCH);
        Instant cursor = cursors.getOrDefault(name, start);
        String lastRead = lastAtCursor.get(name);
        List<Read> lines =
            read(
                pod,
                logOf(client, deployment, pod)
                        .usingTimestamps()
                        .sinceTime(rfc3339(cursor))
                        .tailingLines(MAX_TAIL)
                    ::getLog);
        int readUpTo = -1; // the index of the line read last time, at the cursor's timestamp
        for (int i = 0; i < lines.size() && lastRead != null; i++) {
          Read line = lines.get(i);
          if (line.at().equals(cursor) && line.message().equals(lastRead)) {
            readUpTo = i;
          }
        }
        for (int i = 0; i < lines.size(); i++) {
          Read line = lines.get(i);
          int order = line.at().compareTo(cursor);
          if (order < 0 || (order == 0 && (afterSince || i <= readUpTo))) {
            continue;
          }
          afterSince = false;
          cursor = line.at();
          lastRead = line.message();
          fresh.add(line);
        }
        cursors.put(name, cursor);
        if (lastRead != null) {
          lastAtCursor.put(name, lastRead);
        }
      }
      fresh.sort(Comparator.comparing(Read::at));
      return fresh;
    }
  }

  private static List<Read> lastLines(
      KubernetesClient client, Owned deployment, int tail, Map<String, List<Read>> perPod) {
    List<Read> all = new ArrayList<>();
    for (Pod pod : pods(client, deployment)) {
      List<Read> lines =
          read(pod, logOf(client, deployment, pod).usingTimestamps().tailingLines(tail)::getLog);
      if (!lines.isEmpty()) {
        perPod.put(pod.getMetadata().getName(), lines);
      }
      all.addAll(lines);
    }
    all.sort(Comparator.comparing(Read::at));
    return all.size() <= tail ? all : List.copyOf(all.subList(all.size() - tail, all.size()));
  }

  private static List<Pod> pods(KubernetesClient client, Owned deployment) {
    return client
        .pods()
        .inNamespace(deployment.namespace())
        .withLabel(DeploymentObjects.LABEL_DEPLOYMENT, deployment.id().toString())
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /** The pod's log; its first container's when it has several (the app, before any sidecar). */
  private static TimestampBytesLimitTerminateTimeTailPrettyLoggable logOf(
      KubernetesClient client, Owned deployment, Pod pod) {
    PodResource resource =
        client.pods().inNamespace(deployment.namespace()).withName(pod.getMetadata().getName());
    List<Container> containers = pod.getSpec() == null ? List.of() : pod.getSpec().getContainers();
    return containers != null && containers.size() > 1
        ? resource.inContainer(containers.get(0).getName())
        : resource;
  }

  /**
   * The pod's lines, parsed; none when the pod has no log yet (its container is still starting: the
   * API server answers 400) or is gone (404).
   */
  private static List<Read> read(Pod pod, java.util.function.Supplier<String> fetch) {
    String text;
    try {
      text = fetch.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 400 || e.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
    return parse(pod.getMetadata().getName(), text);
  }

  /** {@code <RFC 3339 timestamp> <message>} lines; a line without a timestamp keeps the last. */
  static List<Read> parse(String pod, String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    List<Read> lines = new ArrayList<>();
    Instant last = null;
    for (String raw : text.split("\r?\n")) {
      if (raw.isEmpty()) {
        continue;
      }
      int space = raw.indexOf(' ');
      Instant at = null;
      if (space > 0) {
        try {
          at = Instant.parse(raw.substring(0, space));
        } catch (DateTimeParseException e) {
          at = null;
        }
      }
      if (at != null) {
        last = at;
        lines.add(new Read(at, raw.substring(space + 1), pod));
      } else if (last != null) {
        lines.add(new Read(last, raw, pod));
      }
    }
    return lines;
  }

  /** error, warn, debug or info, from the words of the line. */
  static String level(String message) {
    String lower = message.toLowerCase(Locale.ROOT);
    if (ERROR.matcher(lower).find()) {
      return "error";
    }
    if (WARN.matcher(lower).find()) {
      return "warn";
    }
    if (DEBUG.matcher(lower).find()) {
      return "debug";
    }
    return "info";
  }

  /** {@code sinceTime} as the API server reads it: RFC 3339 to the second. */
  static String rfc3339(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
