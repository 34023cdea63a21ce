package dev.shipyard.activities.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.builds.BuildReport;
import dev.shipyard.activities.builds.BuildWorkspaces;
import dev.shipyard.activities.builds.ProjectBuilder;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.common.Heartbeats;
import dev.shipyard.activities.common.StepProgress;
import dev.shipyard.activities.sandbox.Ticker;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.activities.tasks.TaskEventWriter;
import dev.shipyard.activities.validation.Workspace;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.workflows.analysis.AnalysisActivities;
import dev.shipyard.workflows.analysis.AnalysisFailure;
import dev.shipyard.workflows.analysis.AnalysisRequest;
import dev.shipyard.workflows.analysis.AnalysisSummary;
import dev.shipyard.workflows.tasks.TaskEvent;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The analysis step: loads the capsule's files, materialises them in a {@link Workspace}, runs the
 * {@link CodeAnalyzer} (progress per analyzer as task events 5..95 %, heartbeats through {@link
 * Heartbeats}; a cancel interrupts the step and the sandbox kills the running analyzer), writes the
 * full report to {@code analyses/<id>/report.json} and the bounded one to {@code analyses.results}.
 * Idempotent: a retry overwrites both with the same content.
 */
public class AnalysisActivitiesImpl implements AnalysisActivities {

  private final CodeAnalyzer analyzer;
  private final Supplier<ProjectBuilder> builder;
  private final Supplier<BuildWorkspaces> workspaces;
  private final ProjectFiles files;
  private final BlobStore blobs;
  private final JdbcTemplate jdbc;
  private final TaskEventWriter events;
  private final ObjectMapper json;

  public AnalysisActivitiesImpl(
      CodeAnalyzer analyzer,
      BlobStore blobs,
      JdbcTemplate jdbc,
      TaskEventWriter events,
      ObjectMapper json) {
    this(analyzer, () -> null, () -> null, blobs, jdbc, events, json);
  }

  /**
   * With {@code builder} (may supply null: no builder on this worker), a {@code quality} analysis
   * also runs the project's tests under the stack's coverage tool for {@code coverage_percent}.
   */
  public AnalysisActivitiesImpl(
      CodeAnalyzer analyzer,
      Supplier<ProjectBuilder> builder,
      Supplier<BuildWorkspaces> workspaces,
      BlobStore blobs,
      JdbcTemplate jdbc,
      TaskEventWriter events,
      ObjectMapper json) {
    this.analyzer = analyzer;
    this.builder = builder;
    this.workspaces = workspaces;
    this.files = new ProjectFiles(blobs);
    this.blobs = blobs;
    this.jdbc = jdbc;
    this.events = events;
    this.json = json;
  }

  /** The object key of an analysis's full report. */
  public static String reportKey(String analysisId) {
    return "analyses/" + analysisId + "/report.json";
  }

  @Override
  public AnalysisSummary analyze(AnalysisRequest request) {
    try {
      return Heartbeats.during("analyzing", () -> run(request));
    } catch (ApplicationFailure | ActivityCompletionException e) {
      throw e;
    } catch (Exception e) {
      throw failure(AnalysisFailure.ANALYSIS_FAILED, e);
    }
  }

  private AnalysisSummary run(AnalysisRequest request) throws JsonProcessingException {
    List<SourceFile> sources;
    try {
      sources = files.load(request.manifestKey());
    } catch (IllegalStateException e) {
      throw failure(AnalysisFailure.PROJECT_FILES_MISSING, e);
    }
    Set<AnalysisType> types = EnumSet.noneOf(AnalysisType.class);
    for (String t : request.types()) {
      types.add(AnalysisType.valueOf(t.toUpperCase(Locale.ROOT)));
    }
    boolean coverage = types.contains(AnalysisType.QUALITY);
    StepProgress progress =
        events.progressOf(TaskEvent.ANALYSIS, request.analysisId(), 5, coverage ? 75 : 95);
    Ticker ticker =
        detail -> {
          if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("analysis stopped: " + detail);
          }
        };
    AnalysisFindings found;
    BuildWorkspaces shared = workspaces.get();
    if (shared == null) {
      try (Workspace workspace = Workspace.create(sources)) {
        found = analyzeIn(workspace.root(), types, coverage, request, progress, ticker);
      }
    } else {
      // Under the shared root (Kubernetes Jobs mount it): the project and, beside it, the
      // analyzers' reports, in one folder that goes when the step ends.
      Path folder = shared.create("analysis-" + request.analysisId());
      try {
        Path root = shared.write(folder.resolve("project"), sources);
        found = analyzeIn(root, types, coverage, request, progress, ticker);
      } finally {
        shared.delete(folder);
      }
    }
    String key = reportKey(request.analysisId());
    byte[] full = json.writeValueAsBytes(AnalysisReport.of(found, types, key, true));
    blobs.put(key, new ByteArrayInputStream(full), full.length, "application/json");
    AnalysisReport inline = AnalysisReport.of(found, types, key, false);
    jdbc.update(
        "UPDATE analyses SET results = ?::jsonb WHERE analysis_id = ?",
        json.writeValueAsString(inline),
        UUID.fromString(request.analysisId()));
    return new AnalysisSummary(
        inline.qualityScore(),
        (int)
            found.findings().stream()
                .filter(f -> f.type() == AnalysisType.SECURITY && types.contains(f.type()))
                .count(),
        inline.codeSmells(),
        inline.typeErrors(),
        inline.findingsTotal(),
        found.analyzersRun(),
        found.analyzersMissing().stream().map(AnalysisFindings.MissingAnalyzer::analyzer).toList(),
        key);
  }

  private AnalysisFindings analyzeIn(
      Path root,
      Set<AnalysisType> types,
      boolean coverage,
      AnalysisRequest request,
      StepProgress progress,
      Ticker ticker) {
    AnalysisFindings found = analyzer.analyze(root, types, progress, ticker);
    if (!coverage) {
      return found;
    }
    return withCoverage(
        found, root, events.progressOf(TaskEvent.ANALYSIS, request.analysisId(), 75, 95), ticker);
  }

  /**
   * The project's tests run by the worker's {@link ProjectBuilder} (its sandbox, the stack's
   * coverage tool) after the analyzers: their line coverage, or, when there is none, {@code
   * coverage} named among the missing analyzers with why. Never invented.
   */
  private AnalysisFindings withCoverage(
      AnalysisFindings found, Path root, StepProgress progress, Ticker ticker) {
    ProjectBuilder projectBuilder = builder.get();
    List<String> ran = new ArrayList<>(found.analyzersRun());
    List<AnalysisFindings.MissingAnalyzer> missing = new ArrayList<>(found.analyzersMissing());
    Double percent = null;
    if (projectBuilder == null) {
      missing.add(
          new AnalysisFindings.MissingAnalyzer("coverage", "no project builder on this worker"));
    } else {
      Path log;
      try {
        log = Files.createTempFile("shipyard-coverage-", ".log");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create a log for the test run", e);
      }
      BuildReport report;
      try {
        report = projectBuilder.build(root, log, progress, ticker);
      } finally {
        try {
          Files.deleteIfExists(log);
        } catch (IOException e) {
          // a temporary file; the operating system's cleaner takes what is left
        }
      }
      percent = report.testCoverage();
      if (percent != null) {
        ran.add("coverage");
      } else {
        String why =
            report.dependencyNote() != null
                ? report.dependencyNote()
                : report.steps().stream()
                    .filter(step -> !step.succeeded())
                    .map(step -> step.name() + ": " + step.outcome() + " (" + step.tool() + ")")
                    .findFirst()
                    .orElse("the " + report.stack() + " stack gave no coverage figure");
        missing.add(new AnalysisFindings.MissingAnalyzer("coverage", why));
      }
    }
    return new AnalysisFindings(found.findings(), ran, missing, percent, found.linesOfCode());
  }

  private static ApplicationFailure failure(AnalysisFailure type, Exception cause) {
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return type.retryable()
        ? ApplicationFailure.newFailureWithCause(message, type.name(), cause)
        : ApplicationFailure.newNonRetryableFailureWithCause(message, type.name(), cause);
  }
}
