package dev.shipyard.activities.builds;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.common.StepProgress;
import dev.shipyard.activities.sandbox.Ticker;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.activities.tasks.TaskEventWriter;
import dev.shipyard.activities.validation.Workspace;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.workflows.builds.BuildFailure;
import dev.shipyard.workflows.builds.BuildRequest;
import dev.shipyard.workflows.builds.BuildResults;
import dev.shipyard.workflows.builds.BuildStepActivities;
import dev.shipyard.workflows.builds.PreparedProject;
import dev.shipyard.workflows.tasks.TaskEvent;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The build step: the capsule's files in a fresh {@link Workspace}, built by the {@link
 * ProjectBuilder} whose {@link Ticker} is this activity's heartbeat (a cancel throws from the tick;
 * the sandbox kills the process tree and rethrows), the log stored as {@code
 * builds/<task_id>/build.log} and the results written to {@code builds.results}, on success, on
 * failure and on cancellation alike (then with what is known and the log as far as it got).
 */
public class BuildStepActivitiesImpl implements BuildStepActivities {

  /** Where the build's progress events fall in the whole build (0 to 100). */
  static final int FROM = 20;

  static final int TO = 95;

  private final Supplier<ProjectBuilder> builder;
  private final Supplier<BuildWorkspaces> workspaces;
  private final BlobStore blobs;
  private final ProjectFiles files;
  private final JdbcTemplate jdbc;
  private final TaskEventWriter events;

  /**
   * @param builder the configured builder, or a supplier of null when none is (the step then fails
   *     with {@link BuildFailure#BUILDER_UNAVAILABLE})
   * @param workspaces where workspaces are created ({@code BUILD_WORKSPACE_ROOT}), or a supplier of
   *     null for a temporary directory
   */
  public BuildStepActivitiesImpl(
      Supplier<ProjectBuilder> builder,
      Supplier<BuildWorkspaces> workspaces,
      BlobStore blobs,
      JdbcTemplate jdbc,
      TaskEventWriter events) {
    this.builder = builder;
    this.workspaces = workspaces;
    this.blobs = blobs;
    this.files = new ProjectFiles(blobs);
    this.jdbc = jdbc;
    this.events = events;
  }

  public static String logKey(String taskId) {
    return "builds/" + taskId + "/build.log";
  }

  @Override
  public BuildResults run(BuildRequest request, PreparedProject project) {
    ProjectBuilder projectBuilder = builder.get();
    if (projectBuilder == null) {
      throw BuildFailures.of(
          BuildFailure.BUILDER_UNAVAILABLE, "No project builder is configured on this worker");
    }
    String logKey = logKey(request.taskId());
    Ticker ticker = heartbeat();
    ticker.tick("preparing the workspace"); // at once: the heartbeat timeout is short
    StepProgress progress = events.progressOf(TaskEvent.BUILD, request.taskId(), FROM, TO);
    List<SourceFile> sources = files.load(project.manifestKey());
    BuildWorkspaces shared = workspaces.get();
    Workspace temporary = shared == null ? Workspace.create(sources) : null;
    Path root = shared == null ? temporary.root() : materialise(shared, request.taskId(), sources);
    Path log = newLog();
    try {
      BuildReport report;
      try {
        report = projectBuilder.build(root, log, progress, ticker);
      } catch (RuntimeException e) {
        // Cancelled (the tick threw and the sandbox killed the process tree) or broken: keep what
        // is known and the builder's output so far before the step ends.
        storeLog(logKey, partialLog(log, e));
        write(request.taskId(), partial(project, logKey), logKey);
        throw BuildFailures.map(e);
      }
      ticker.tick("storing the log");
      storeLog(logKey, report.log());
      BuildResults results = results(project, report, logKey);
      write(request.taskId(), results, logKey);
      ApplicationFailure failure = BuildFailures.of(report);
      if (failure != null) {
        throw failure;
      }
      return results;
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        // a temporary file; the operating system's cleaner takes what is left
      }
      if (temporary != null) {
        temporary.close();
      } else {
        shared.delete(root);
      }
    }
  }

  private static Path newLog() {
    try {
      return Files.createTempFile("shipyard-build-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a build log", e);
    }
  }

  /** The files in a new workspace under the shared root (Kubernetes Jobs mount it). */
  private static Path materialise(BuildWorkspaces shared, String taskId, List<SourceFile> sources) {
    Path root = shared.create("build-" + taskId);
    try {
      return shared.write(root, sources);
    } catch (RuntimeException e) {
      shared.delete(root);
      throw e;
    }
  }

  static BuildResults results(PreparedProject project, BuildReport report, String logKey) {
    List<String> steps = new ArrayList<>();
    for (BuildReport.Step s : report.steps()) {
      steps.add(
          s.name()
              + ": "
              + s.outcome()
              + " ("
              + s.tool()
              + ", exit "
              + s.exitCode()
              + ", "
              + s.durationMillis()
              + " ms)");
    }
    return new BuildResults(
        project.capsuleId(),
        project.versionId(),
        project.changedFiles(),
        report.testsPassed(),
        report.testsFailed(),
        report.testCoverage(),
        report.stack(),
        steps,
        report.dependencyNote(),
        logKey,
        report.testNames());
  }

  private static BuildResults partial(PreparedProject project, String logKey) {
    BuildResults p = BuildResults.partial(project);
    return new BuildResults(
        p.capsuleId(),
        p.versionId(),
        p.generatedFiles(),
        null,
        null,
        null,
        p.stack(),
        List.of(),
        null,
        logKey,
        List.of());
  }

  private void write(String taskId, BuildResults results, String logKey) {
    jdbc.update(
        "UPDATE builds SET results = CAST(? AS jsonb), log_key = ? WHERE task_id = ?",
        BuildResultsJson.write(results),
        logKey,
        UUID.fromString(taskId));
  }

  private void storeLog(String key, Path log) {
    if (log == null || !Files.isRegularFile(log)) {
      storeLog(key, "(the builder wrote no log)\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    try (InputStream in = Files.newInputStream(log)) {
      blobs.put(key, in, Files.size(log), "text/plain; charset=utf-8");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void storeLog(String key, byte[] content) {
    blobs.put(key, new ByteArrayInputStream(content), content.length, "text/plain; charset=utf-8");
  }

  /** The builder's output so far, then why the step ended. */
  private static byte[] partialLog(Path log, RuntimeException e) {
    StringBuilder text = new StringBuilder();
    try {
      text.append(Files.readString(log, StandardCharsets.UTF_8));
    } catch (IOException | UncheckedIOException ignored) {
      // what could be read is kept
    }
    text.append("\n[build step ended early: ").append(e.getClass().getSimpleName()).append("]\n");
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The activity's heartbeat as a ticker; outside an activity (unit tests) it never stops. */
  private static Ticker heartbeat() {
    ActivityExecutionContext context;
    try {
      context = Activity.getExecutionContext();
    } catch (IllegalStateException e) {
      return Ticker.NONE;
    }
    return context::heartbeat;
  }
}
