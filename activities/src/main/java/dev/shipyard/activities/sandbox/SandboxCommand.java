package dev.shipyard.activities.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One command to run in a sandbox.
 *
 * @param argv the program and its arguments (no shell)
 * @param workspace the only directory the command may read and write (mounted at the same path)
 * @param environment the whole environment of the command (nothing of the worker's leaks in)
 * @param network whether the command may reach the network (only dependency steps ask for it)
 * @param limits wall time, CPU time, memory and output limits
 * @param log the file the command's output (stdout and stderr together) is written to, cut at
 *     {@link Limits#outputBytes()}
 */
public record SandboxCommand(
    List<String> argv,
    Path workspace,
    Map<String, String> environment,
    boolean network,
    Limits limits,
    Path log) {

  public SandboxCommand {
    argv = List.copyOf(argv);
    environment = Map.copyOf(environment);
  }

  /**
   * Limits of one command.
   *
   * @param wallTime longest run, then the process tree is killed ({@link
   *     SandboxResult.Outcome#TIMED_OUT})
   * @param cpuTime CPU seconds (RLIMIT_CPU or the Job's CPU limit)
   * @param memoryBytes address space / memory limit
   * @param outputBytes the most output kept in the log
   */
  public record Limits(Duration wallTime, Duration cpuTime, long memoryBytes, long outputBytes) {}
}
