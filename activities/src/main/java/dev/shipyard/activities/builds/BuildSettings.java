package dev.shipyard.activities.builds;

import dev.shipyard.activities.sandbox.SandboxCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ToolchainProjectBuilder} runs the toolchains (worker configuration {@code BUILD_*}).
 *
 * @param path the PATH of every command (the worker's own PATH never leaks in)
 * @param python the Python interpreter, looked up on {@link #path()}
 * @param mavenRepository the worker's shared local Maven repository (bound into the sandbox)
 * @param mavenMirror the repository every Maven download goes through (default Maven Central)
 * @param npmRegistry the npm registry
 * @param pipIndexUrl a Python package index; null: dependencies come from the worker's own packages
 * @param limits the limits of each command
 * @param logDirectory where build logs are written (outside the workspace, out of the command's
 *     reach)
 * @param jacocoVersion the JaCoCo Maven plugin run for Java line coverage
 */
public record BuildSettings(
    String path,
    String python,
    Path mavenRepository,
    String mavenMirror,
    String npmRegistry,
    String pipIndexUrl,
    SandboxCommand.Limits limits,
    Path logDirectory,
    String jacocoVersion) {

  public static final String MAVEN_CENTRAL = "https://repo.maven.apache.org/maven2";
  public static final String NPM_REGISTRY = "https://registry.npmjs.org/";

  public BuildSettings {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(mavenRepository, "mavenRepository");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(logDirectory, "logDirectory");
    mavenMirror = blank(mavenMirror) ? MAVEN_CENTRAL : mavenMirror;
    npmRegistry = blank(npmRegistry) ? NPM_REGISTRY : npmRegistry;
    pipIndexUrl = blank(pipIndexUrl) ? null : pipIndexUrl;
    jacocoVersion = blank(jacocoVersion) ? "0.8.13" : jacocoVersion;
  }

  /**
   * Defaults under {@code dataDirectory}: per command 15 min, 20 CPU minutes, 8 GiB of address
   * space (RLIMIT_AS bounds virtual memory, and V8 and the JVM reserve far more than they use), 8
   * MiB of output.
   */
  public static BuildSettings defaults(Path dataDirectory) {
    return new BuildSettings(
        "/usr/local/bin:/usr/bin:/bin",
        "python3",
        dataDirectory.resolve("maven-repository"),
        MAVEN_CENTRAL,
        NPM_REGISTRY,
        null,
        new SandboxCommand.Limits(
            Duration.ofMinutes(15), Duration.ofMinutes(20), 8L << 30, 8L << 20),
        dataDirectory.resolve("build-logs"),
        "0.8.13");
  }

  public BuildSettings withPath(String path) {
    return new BuildSettings(
        path,
        python,
        mavenRepository,
        mavenMirror,
        npmRegistry,
        pipIndexUrl,
        limits,
        logDirectory,
        jacocoVersion);
  }

  public BuildSettings withMavenRepository(Path mavenRepository) {
    return new BuildSettings(
        path,
        python,
        mavenRepository,
        mavenMirror,
        npmRegistry,
        pipIndexUrl,
        limits,
        logDirectory,
        jacocoVersion);
  }

  public BuildSettings withLimits(SandboxCommand.Limits limits) {
    return new BuildSettings(
        path,
        python,
        mavenRepository,
        mavenMirror,
        npmRegistry,
        pipIndexUrl,
        limits,
        logDirectory,
        jacocoVersion);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
