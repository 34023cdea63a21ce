package dev.shipyard.activities.analysis;

import dev.shipyard.activities.sandbox.SandboxCommand;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the analyzers are and how much one may take.
 *
 * @param path the {@code PATH} analyzers are looked up on and run with ({@code bandit}, {@code
 *     pylint}, {@code mypy}, {@code node}); the worker's own {@code PATH} by default
 * @param eslint the ESLint executable ({@code ANALYSIS_ESLINT}, e.g. {@code
 *     /opt/shipyard-eslint/node_modules/.bin/eslint}); null or missing: ESLint is named missing
 * @param javaHome the JDK whose {@code java} runs PMD and whose {@code javac} checks types
 * @param limits the limits of each analyzer's run
 */
public record AnalysisSettings(
    String path, Path eslint, Path javaHome, SandboxCommand.Limits limits) {

  /** The default limits: 5 minutes wall and CPU time, 2 GiB of memory, 16 MiB of output. */
  public static final SandboxCommand.Limits DEFAULT_LIMITS =
      new SandboxCommand.Limits(Duration.ofMinutes(5), Duration.ofMinutes(5), 2L << 30, 16L << 20);

  /** The worker's PATH and JDK, the given ESLint (may be null). */
  public static AnalysisSettings defaults(Path eslint) {
    return new AnalysisSettings(
        Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin"),
        eslint,
        Path.of(System.getProperty("java.home")),
        DEFAULT_LIMITS);
  }

  public AnalysisSettings withPath(String newPath) {
    return new AnalysisSettings(newPath, eslint, javaHome, limits);
  }

  /** The executable {@code name} on {@link #path()}, if any. */
  public Optional<Path> which(String name) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** A JDK tool ({@code java}, {@code javac}) of {@link #javaHome()}, if present. */
  public Optional<Path> jdkTool(String name) {
    Path tool = javaHome.resolve("bin").resolve(name);
    return Files.isExecutable(tool) ? Optional.of(tool) : Optional.empty();
  }
}
