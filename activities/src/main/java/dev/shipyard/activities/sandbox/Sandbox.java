package dev.shipyard.activities.sandbox;

/**
 * Where the commands of builds and analyses run: the one interface in front of a sandboxed child
 * process on the worker (local mode) and a Kubernetes Job (Kubernetes mode), chosen by
 * configuration. A command sees its workspace only, gets the network only when it asks for it (a
 * dependency step), and is held to its limits.
 *
 * <p>While the command runs the sandbox calls {@link Ticker#tick(String)} about once a second; when
 * the tick throws (the activity was cancelled, its heartbeat said so), the sandbox kills the whole
 * process tree (or deletes the Job), waits until it is gone, and rethrows what the tick threw.
 */
public interface Sandbox {

  /** Runs {@code command} to its end, its limit or its cancellation. */
  SandboxResult run(SandboxCommand command, Ticker ticker);

  /** A short name for logs and results, such as {@code bubblewrap} or {@code kubernetes-job}. */
  String name();
}
