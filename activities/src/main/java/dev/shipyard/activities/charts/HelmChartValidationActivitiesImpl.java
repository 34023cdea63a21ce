package dev.shipyard.activities.charts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.shipyard.activities.common.Heartbeats;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.archive.ArchivePathException;
import dev.shipyard.storage.archive.TarGzReader;
import dev.shipyard.workflows.charts.HelmChartFailure;
import dev.shipyard.workflows.charts.HelmChartReport;
import dev.shipyard.workflows.charts.HelmChartValidationActivities;
import dev.shipyard.workflows.charts.HelmChartValidationRequest;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * See {@link HelmChartValidationActivities}. The archive is read with {@link TarGzReader} (the same
 * bounds the API applies before storing it) and written file by file under a fresh temporary
 * directory, so nothing in it can reach outside; helm (bundled by helm-java) then reads that
 * directory. The rendered manifests go to object storage, the bounded messages to {@code
 * helm_chart_versions.messages}.
 */
public class HelmChartValidationActivitiesImpl implements HelmChartValidationActivities {

  private final BlobStore blobs;
  private final JdbcTemplate jdbc;
  private final ObjectMapper json;

  public HelmChartValidationActivitiesImpl(BlobStore blobs, JdbcTemplate jdbc, ObjectMapper json) {
    this.blobs = blobs;
    this.jdbc = jdbc;
    this.json = json;
  }

  @Override
  public HelmChartReport validate(HelmChartValidationRequest request) {
    try {
      return Heartbeats.during("helm lint and template", () -> run(request));
    } catch (ApplicationFailure | ActivityCompletionException e) {
      throw e;
    } catch (ArchivePathException e) {
      throw failure(HelmChartFailure.ARCHIVE_REFUSED, e.getMessage(), e);
    } catch (Exception e) {
      throw failure(HelmChartFailure.VALIDATION_FAILED, e.getClass().getSimpleName(), e);
    }
  }

  private HelmChartReport run(HelmChartValidationRequest request) throws Exception {
    byte[] archive =
        blobs
            .get(request.packageKey())
            .orElseThrow(
                () ->
                    failure(
                        HelmChartFailure.PACKAGE_MISSING,
                        "The packaged chart " + request.packageKey() + " is gone",
                        null));
    Map<String, byte[]> files = TarGzReader.read(archive, TarGzReader.Limits.HELM_CHART);
    Path work = Files.createTempDirectory("helm-chart-");
    try {
      Path chart = extract(files, work);
      LintResult lint = new Helm(chart).lint().strict().call();
      List<String> lintMessages = bounded(lint.getMessages());
      List<String> renderMessages = new ArrayList<>();
      String rendered = null;
      try {
        rendered =
            new Helm(chart).template().withName(request.name()).withNamespace("default").call();
      } catch (RuntimeException e) {
        renderMessages.add(clip(String.valueOf(e.getMessage())));
      }
      boolean valid = !lint.isFailed() && rendered != null;
      int manifests = 0;
      if (rendered != null) {
        manifests = count(rendered);
        byte[] bytes = rendered.getBytes(StandardCharsets.UTF_8);
        blobs.put(
            request.renderedKey(),
            new ByteArrayInputStream(bytes),
            bytes.length,
            "application/yaml");
      }
      HelmChartReport report = new HelmChartReport(valid, lintMessages, renderMessages, manifests);
      record(request, report, rendered != null);
      return report;
    } finally {
      delete(work);
    }
  }

  /**
   * Writes the files under {@code work}; they must all sit in one top-level directory holding
   * {@code Chart.yaml}, as {@code helm package} writes them. Returns that directory.
   */
  static Path extract(Map<String, byte[]> files, Path work) throws IOException {
    String top = null;
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      String path = file.getKey();
      int slash = path.indexOf('/');
      String dir = slash < 0 ? "" : path.substring(0, slash);
      if (dir.isEmpty() || (top != null && !top.equals(dir))) {
        throw new ArchivePathException(
            "A packaged chart keeps every file in one top-level directory; '"
                + path
                + "' does not");
      }
      top = dir;
      Path target = work.resolve(path).normalize();
      if (!target.startsWith(work)) {
        throw new ArchivePathException("Entry '" + path + "' leaves the chart directory");
      }
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
    if (top == null || !files.containsKey(top + "/Chart.yaml")) {
      throw new ArchivePathException("The archive has no <chart>/Chart.yaml");
    }
    return work.resolve(top);
  }

  private void record(HelmChartValidationRequest request, HelmChartReport report, boolean rendered)
      throws JsonProcessingException {
    List<String> all = new ArrayList<>(report.lintMessages());
    all.addAll(report.renderMessages());
    jdbc.update(
        "UPDATE helm_chart_versions SET messages = ?::jsonb, rendered = ?, validated_at = now()"
            + " WHERE chart_id = ? AND version = ?",
        json.writeValueAsString(all),
        rendered,
        UUID.fromString(request.chartId()),
        request.version());
  }

  private static int count(String rendered) {
    int n = 0;
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        n++;
      }
    }
    return n;
  }

  private static List<String> bounded(List<String> messages) {
    return messages.stream()
        .limit(HelmChartReport.MAX_MESSAGES)
        .map(HelmChartValidationActivitiesImpl::clip)
        .toList();
  }

  private static String clip(String message) {
    String text = message.strip();
    return text.length() > HelmChartReport.MAX_MESSAGE_CHARS
        ? text.substring(0, HelmChartReport.MAX_MESSAGE_CHARS) + "..."
        : text;
  }

  private static ApplicationFailure failure(
      HelmChartFailure type, String message, Exception cause) {
    return type.retryable()
        ? ApplicationFailure.newFailureWithCause(message, type.name(), cause)
        : ApplicationFailure.newNonRetryableFailureWithCause(message, type.name(), cause);
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is cleaned by the system
    }
  }
}
