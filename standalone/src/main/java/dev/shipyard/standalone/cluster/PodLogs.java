package dev.shipyard.standalone.cluster;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated cluster's pod logs: the lines the controller writes for each pod (its startup line,
 * one per readiness probe, the crashes of a crash-looping container), at most {@value #MAX_LINES}
 * per pod (the oldest go first), forgotten with the pod.
 */
final class PodLogs {

  /** Lines kept per pod. */
  static final int MAX_LINES = 1000;

  record Line(Instant at, String text) {}

  private final Map<String, Deque<Line>> byPod = new ConcurrentHashMap<>();

  private static String key(String namespace, String pod) {
    return namespace + "/" + pod;
  }

  void append(String namespace, String pod, Instant at, String text) {
    Deque<Line> lines = byPod.computeIfAbsent(key(namespace, pod), k -> new ArrayDeque<>());
    synchronized (lines) {
      lines.addLast(new Line(at, text));
      while (lines.size() > MAX_LINES) {
        lines.removeFirst();
      }
    }
  }

  boolean has(String namespace, String pod) {
    return byPod.containsKey(key(namespace, pod));
  }

  void forget(String namespace, String pod) {
    byPod.remove(key(namespace, pod));
  }

  /**
   * The pod's lines as the log endpoint answers them: from {@code since} on (inclusive, null for
   * all), the last {@code tail} of those (null for all), each prefixed with its RFC 3339 timestamp
   * when {@code timestamps}.
   */
  String render(String namespace, String pod, Instant since, Integer tail, boolean timestamps) {
    Deque<Line> lines = byPod.get(key(namespace, pod));
    if (lines == null) {
      return "";
    }
    List<Line> selected = new ArrayList<>();
    synchronized (lines) {
      for (Line line : lines) {
        if (since == null || !line.at().isBefore(since)) {
          selected.add(line);
        }
      }
    }
    if (tail != null && tail >= 0 && selected.size() > tail) {
      selected = selected.subList(selected.size() - tail, selected.size());
    }
    StringBuilder out = new StringBuilder();
    for (Line line : selected) {
      if (timestamps) {
        out.append(DateTimeFormatter.ISO_INSTANT.format(line.at())).append(' ');
      }
      out.append(line.text()).append('\n');
    }
    return out.toString();
  }
}
