package dev.shipyard.activities.analysis;

import dev.shipyard.activities.sandbox.Sandbox;
import dev.shipyard.activities.sandbox.SandboxCommand;
import dev.shipyard.activities.sandbox.SandboxResult;
import dev.shipyard.activities.sandbox.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * One analysis's workspace as the analyzers see it: the project's files under {@link #root()}, the
 * analyzers' own files (reports, logs, a home) under {@link #scratch()}, both inside {@link
 * #base()}, the one directory a sandboxed analyzer may read and write.
 */
final class AnalyzerContext {

  private final Path root;
  private final Path scratch;
  private final SortedMap<String, String> files;
  private final Sandbox sandbox;
  private final AnalysisSettings settings;
  private final Ticker ticker;

  AnalyzerContext(
      Path root,
      Path scratch,
      SortedMap<String, String> files,
      Sandbox sandbox,
      AnalysisSettings settings,
      Ticker ticker) {
    this.root = root.toAbsolutePath().normalize();
    this.scratch = scratch.toAbsolutePath().normalize();
    this.files = files;
    this.sandbox = sandbox;
    this.settings = settings;
    this.ticker = ticker;
  }

  Path root() {
    return root;
  }

  Path scratch() {
    return scratch;
  }

  /** The common parent of root and scratch: the sandbox's workspace. */
  Path base() {
    Path common = root;
    while (!scratch.startsWith(common)) {
      common = common.getParent();
    }
    return common;
  }

  SortedMap<String, String> files() {
    return files;
  }

  AnalysisSettings settings() {
    return settings;
  }

  /** What a tool's run left: how it ended and its output (stdout and stderr). */
  record Run(SandboxResult result, String output) {}

  /** Runs {@code argv} in the sandbox, without network, with the analysis limits. */
  Run run(String tool, List<String> argv) {
    Path log = scratch.resolve(tool + ".log");
    Path home = scratch.resolve("home");
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env =
        Map.of(
            "PATH", settings.path(),
            "HOME", home.toString(),
            "LANG", "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE", "1",
            "MYPY_CACHE_DIR", scratch.resolve("mypy-cache").toString(),
            "PYLINTHOME", scratch.resolve("pylint-home").toString(),
            "NO_COLOR", "1");
    SandboxResult result =
        sandbox.run(new SandboxCommand(argv, base(), env, false, settings.limits(), log), ticker);
    if (result.outcome() == SandboxResult.Outcome.NOT_FOUND) {
      throw new Analyzer.AnalyzerFailedException(
          tool + " could not be started in the sandbox (" + sandbox.name() + ")");
    }
    if (result.outcome() == SandboxResult.Outcome.TIMED_OUT) {
      throw new Analyzer.AnalyzerFailedException(
          tool + " timed out after " + settings.limits().wallTime());
    }
    String output = "";
    try {
      if (Files.exists(log)) {
        output = Files.readString(log, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Run(result, output);
  }

  /** A report file the tool wrote into scratch, or empty text when it wrote none. */
  String read(Path report) {
    try {
      return Files.exists(report) ? Files.readString(report, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A tool's file name made project-relative ({@code /tmp/x/project/app/db.py} → app/db.py). */
  String relative(String file) {
    if (file == null) {
      return null;
    }
    String f = file.replace('\\', '/');
    if (f.startsWith("file://")) {
      f = f.substring("file://".length());
    }
    Path p = Path.of(f);
    if (p.isAbsolute()) {
      p = p.normalize();
      if (p.startsWith(root)) {
        return root.relativize(p).toString().replace('\\', '/');
      }
      return f;
    }
    // relative to the tool's working directory: the project, the sandbox workspace, / or ours
    for (Path base : List.of(root, base(), Path.of("/"), Path.of("").toAbsolutePath())) {
      Path absolute = base.resolve(p).normalize();
      if (absolute.startsWith(root) && Files.exists(absolute)) {
        return root.relativize(absolute).toString().replace('\\', '/');
      }
    }
    String rel = p.normalize().toString().replace('\\', '/');
    return rel.startsWith("./") ? rel.substring(2) : rel;
  }
}
