package dev.shipyard.activities.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode: the command runs as a child process of the worker, held by {@code prlimit}
 * (RLIMIT_CPU, RLIMIT_AS, RLIMIT_NPROC, RLIMIT_FSIZE) and, where the machine allows it, inside
 * bubblewrap ({@code bwrap}): new user, PID, network, IPC, UTS and cgroup namespaces (the network
 * shared only when the command asks for it), a read-only root with the system directories ({@code
 * /usr}, {@code /etc}, ...) bound read-only, the workspace and the configured shared directories
 * bound read-write, a fresh {@code /tmp}, {@code /proc} and {@code /dev}, {@code --die-with-parent}
 * and {@code --new-session}.
 *
 * <p>When bwrap cannot create namespaces (not installed, or a container without user namespaces),
 * the sandbox falls back to {@code prlimit} alone with the reduced environment of the command:
 * resource limits, but no file system or network isolation. {@link #name()} says which one is in
 * force ({@code bubblewrap+prlimit} or {@code prlimit-only}); nothing claims more.
 *
 * <p>Output (stdout and stderr together) is appended to the command's log through a pipe and cut at
 * the output limit (the rest is counted, not kept). On the wall-time limit, and when the {@link
 * Ticker} throws, the whole process tree is killed (bwrap's PID namespace dies with its first
 * process; every descendant the worker can see is killed as well) and the sandbox waits until it is
 * gone.
 */
public final class LocalSandbox implements Sandbox {

  /**
   * How often a running command ticks its activity's heartbeat: the ticks are cheap (the SDK
   * throttles what it sends), and the one after a cancel throws, so this bounds how late a cancel
   * is noticed once the heartbeat's answer has brought it.
   */
  static final Duration TICK = Duration.ofMillis(200);

  private static final Logger log = LoggerFactory.getLogger(LocalSandbox.class);

  /** System directories bound read-only (or re-created as the same symlink) when they exist. */
  private static final List<String> SYSTEM_PATHS =
      List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc");

  /** How long to wait for a killed tree to disappear before giving up (and logging it). */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  /** Which isolation is in force. */
  public enum Isolation {
    /** bubblewrap namespaces plus prlimit. */
    BUBBLEWRAP,
    /** prlimit and a reduced environment only: no file system or network isolation. */
    PRLIMIT_ONLY
  }

  /**
   * Where the sandbox finds its tools and what it mounts.
   *
   * @param bwrap the bubblewrap executable ({@code bwrap}, looked up on the worker's PATH)
   * @param prlimit the prlimit executable of util-linux
   * @param readOnlyPaths more host directories bound read-only (e.g. a JDK under {@code /opt})
   * @param sharedPaths host directories bound read-write into every command (e.g. the worker's
   *     shared Maven repository)
   * @param maxProcesses RLIMIT_NPROC (counted per user by the kernel, not applied to root)
   * @param maxFileBytes RLIMIT_FSIZE: the largest file a command may write
   */
  public record Settings(
      String bwrap,
      String prlimit,
      List<Path> readOnlyPaths,
      List<Path> sharedPaths,
      long maxProcesses,
      long maxFileBytes) {

    public Settings {
      readOnlyPaths = List.copyOf(readOnlyPaths);
      sharedPaths = List.copyOf(sharedPaths);
    }

    public static Settings defaults() {
      return new Settings("bwrap", "prlimit", List.of(), List.of(), 4096, 2L << 30);
    }

    public Settings withSharedPaths(List<Path> paths) {
      return new Settings(bwrap, prlimit, readOnlyPaths, paths, maxProcesses, maxFileBytes);
    }

    public Settings withReadOnlyPaths(List<Path> paths) {
      return new Settings(bwrap, prlimit, paths, sharedPaths, maxProcesses, maxFileBytes);
    }
  }

  private final Settings settings;
  private final Isolation isolation;
  private final String bwrap;
  private final String prlimit;

  private LocalSandbox(Settings settings, Isolation isolation, String bwrap, String prlimit) {
    this.settings = settings;
    this.isolation = isolation;
    this.bwrap = bwrap;
    this.prlimit = prlimit;
  }

  /**
   * Probes the machine: bubblewrap when {@code bwrap --unshare-all ... true} works here, else
   * prlimit only. Fails when prlimit itself is missing (no limits at all would be a lie).
   */
  public static LocalSandbox detect(Settings settings) {
    for (Path shared : settings.sharedPaths()) {
      try {
        Files.createDirectories(shared);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the shared directory " + shared, e);
      }
    }
    String prlimit = Executables.find(settings.prlimit(), System.getenv("PATH"));
    if (prlimit == null) {
      throw new IllegalStateException(
          "prlimit (util-linux) not found: local builds cannot be limited");
    }
    String bwrap = Executables.find(settings.bwrap(), System.getenv("PATH"));
    if (bwrap != null && bubblewrapWorks(bwrap, settings)) {
      log.info("Local sandbox: bubblewrap ({}) with prlimit ({})", bwrap, prlimit);
      return new LocalSandbox(settings, Isolation.BUBBLEWRAP, bwrap, prlimit);
    }
    log.warn(
        "Local sandbox: prlimit only ({}); bubblewrap {} - commands get limits and a reduced"
            + " environment but no file system or network isolation",
        prlimit,
        bwrap == null ? "is not installed" : "cannot create namespaces here");
    return new LocalSandbox(settings, Isolation.PRLIMIT_ONLY, null, prlimit);
  }

  /** Prlimit only, whatever the machine could do (tests of the fallback). */
  public static LocalSandbox prlimitOnly(Settings settings) {
    String prlimit = Executables.find(settings.prlimit(), System.getenv("PATH"));
    if (prlimit == null) {
      throw new IllegalStateException("prlimit (util-linux) not found");
    }
    return new LocalSandbox(settings, Isolation.PRLIMIT_ONLY, null, prlimit);
  }

  private static boolean bubblewrapWorks(String bwrap, Settings settings) {
    Path probe = null;
    try {
      probe = Files.createTempDirectory("shipyard-bwrap-probe-");
      List<String> command = new ArrayList<>();
      command.add(bwrap);
      command.addAll(
          new LocalSandbox(settings, Isolation.BUBBLEWRAP, bwrap, "prlimit")
              .bubblewrapArguments(probe, false));
      String trueProgram = Executables.find("true", "/usr/bin:/bin");
      if (trueProgram == null) {
        return false;
      }
      command.add(trueProgram);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        log.warn("bwrap probe did not finish within 20 s");
        return false;
      }
      if (process.exitValue() != 0) {
        byte[] said = process.getInputStream().readNBytes(2000);
        log.warn(
            "bwrap probe exited {}: {}",
            process.exitValue(),
            new String(said, StandardCharsets.UTF_8).strip());
        return false;
      }
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      if (probe != null) {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException e) {
          log.debug("Could not delete {}", probe);
        }
      }
    }
  }

  public Isolation isolation() {
    return isolation;
  }

  @Override
  public String name() {
    return isolation == Isolation.BUBBLEWRAP ? "bubblewrap+prlimit" : "prlimit-only";
  }

  @Override
  public SandboxResult run(SandboxCommand command, Ticker ticker) {
    long started = System.nanoTime();
    Path workspace = command.workspace().toAbsolutePath().normalize();
    try {
      Files.createDirectories(command.log().toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the log's directory", e);
    }
    String program = resolve(command);
    if (program == null) {
      appendLine(
          command.log(),
          command.argv().get(0)
              + ": not found (PATH="
              + command.environment().getOrDefault("PATH", "")
              + ")");
      return new SandboxResult(
          SandboxResult.Outcome.NOT_FOUND,
          -1,
          command.log(),
          0,
          Duration.ofNanos(System.nanoTime() - started));
    }
    List<String> argv = new ArrayList<>();
    argv.add(prlimit);
    argv.addAll(limits(command.limits()));
    argv.add("--");
    if (isolation == Isolation.BUBBLEWRAP) {
      argv.add(bwrap);
      argv.addAll(bubblewrapArguments(workspace, command.network()));
    }
    argv.add(program);
    argv.addAll(command.argv().subList(1, command.argv().size()));

    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .directory(workspace.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> environment = builder.environment();
    environment.clear();
    environment.putAll(command.environment());

    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      appendLine(command.log(), command.argv().get(0) + ": cannot start: " + e.getMessage());
      return new SandboxResult(
          SandboxResult.Outcome.NOT_FOUND,
          -1,
          command.log(),
          0,
          Duration.ofNanos(System.nanoTime() - started));
    }
    OutputPump pump = new OutputPump(process.getInputStream(), command.log(), command.limits());
    Thread pumpThread = new Thread(pump, "sandbox-output-" + process.pid());
    pumpThread.setDaemon(true);
    pumpThread.start();

    long deadline = started + command.limits().wallTime().toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          killTree(process);
          pump.finish(pumpThread);
          pump.note(
              "[sandbox] wall-time limit of "
                  + command.limits().wallTime()
                  + " reached:"
                  + " the process tree was killed");
          return new SandboxResult(
              SandboxResult.Outcome.TIMED_OUT,
              -1,
              command.log(),
              pump.total(),
              Duration.ofNanos(System.nanoTime() - started));
        }
        if (process.waitFor(Math.min(left, TICK.toNanos()), TimeUnit.NANOSECONDS)) {
          break;
        }
        try {
          ticker.tick(command.argv().get(0) + " running");
        } catch (RuntimeException | Error stop) {
          killTree(process);
          pump.finish(pumpThread);
          pump.note(
              "[sandbox] stopped ("
                  + stop.getClass().getSimpleName()
                  + "): the process"
                  + " tree was killed");
          throw stop;
        }
      }
    } catch (InterruptedException e) {
      killTree(process);
      pump.finish(pumpThread);
      Thread.currentThread().interrupt();
      throw new CancellationException("Interrupted: the process tree was killed");
    }
    // The first process exited; anything it left behind (outside bwrap's PID namespace, which
    // dies with it) goes too.
    killTree(process);
    pump.finish(pumpThread);
    int exit = process.exitValue();
    if (exit == 128 + 24 || exit == 128 + 9) {
      pump.note(
          "[sandbox] the process was killed by signal "
              + (exit - 128)
              + (exit == 128 + 24
                  ? " (SIGXCPU: the CPU time limit)"
                  : " (SIGKILL: the CPU time limit's hard stop, or out of memory)"));
    }
    if (pump.total() > command.limits().outputBytes()) {
      pump.note(
          "[sandbox] output cut at "
              + command.limits().outputBytes()
              + " of "
              + pump.total()
              + " bytes");
    }
    return new SandboxResult(
        SandboxResult.Outcome.EXITED,
        exit,
        command.log(),
        pump.total(),
        Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * The program as an absolute path, looked up on the command's own PATH among the directories the
   * sandbox shows; null when it is not there.
   */
  private String resolve(SandboxCommand command) {
    String program = command.argv().get(0);
    if (program.contains("/")) {
      Path path = Path.of(program);
      if (!path.isAbsolute()) {
        path = command.workspace().resolve(path);
      }
      return Files.isExecutable(path) && visible(path, command.workspace())
          ? path.toString()
          : null;
    }
    return Executables.find(
        program, command.environment().get("PATH"), p -> visible(p, command.workspace()));
  }

  /**
   * Whether {@code path} is inside the sandbox: a system directory, a bound one or the workspace.
   */
  private boolean visible(Path path, Path workspace) {
    if (isolation == Isolation.PRLIMIT_ONLY) {
      return true;
    }
    Path real;
    try {
      real = path.toRealPath();
    } catch (IOException e) {
      return false;
    }
    List<Path> roots = new ArrayList<>();
    for (String system : SYSTEM_PATHS) {
      roots.add(Path.of(system));
    }
    roots.addAll(settings.readOnlyPaths());
    roots.addAll(settings.sharedPaths());
    roots.add(workspace);
    for (Path root : roots) {
      try {
        if (Files.exists(root) && real.startsWith(root.toRealPath())) {
          return true;
        }
      } catch (IOException e) {
        // not there: not visible
      }
    }
    return false;
  }

  private List<String> limits(SandboxCommand.Limits limits) {
    long cpu = Math.max(1, limits.cpuTime().toSeconds());
    return List.of(
        "--cpu=" + cpu + ":" + (cpu + 1),
        "--as=" + limits.memoryBytes(),
        "--nproc=" + settings.maxProcesses(),
        "--fsize=" + settings.maxFileBytes());
  }

  List<String> bubblewrapArguments(Path workspace, boolean network) {
    List<String> args = new ArrayList<>();
    args.add("--unshare-all");
    if (network) {
      args.add("--share-net");
    }
    args.add("--die-with-parent");
    args.add("--new-session");
    args.add("--as-pid-1");
    for (String system : SYSTEM_PATHS) {
      Path path = Path.of(system);
      if (Files.isSymbolicLink(path)) {
        try {
          args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), system));
        } catch (IOException e) {
          log.debug("Cannot read the link {}", path);
        }
      } else if (Files.isDirectory(path)) {
        args.addAll(List.of("--ro-bind", system, system));
      }
    }
    // The fresh /tmp before the binds: a bound directory under /tmp stays visible.
    args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
    for (Path path : settings.readOnlyPaths()) {
      if (Files.exists(path)) {
        args.addAll(List.of("--ro-bind", path.toString(), path.toString()));
      }
    }
    for (Path path : settings.sharedPaths()) {
      args.addAll(List.of("--bind", path.toString(), path.toString()));
    }
    args.addAll(List.of("--bind", workspace.toString(), workspace.toString()));
    args.addAll(List.of("--remount-ro", "/", "--chdir", workspace.toString()));
    return args;
  }

  /**
   * Kills the process tree and waits until every process of it is gone (reaped, not a zombie).
   *
   * <p>The command's processes go first, all at once, then the launcher. Under bubblewrap the
   * command is the first process of its PID namespace ({@code --as-pid-1}): when it dies the kernel
   * kills and reaps everything left in the namespace, and the outer bwrap reaps it. (With bwrap's
   * own init the outer bwrap exits without reaping that init, which is then left to the machine's
   * init: a zombie, still a live process to anyone who looks, for as long as that init takes.)
   */
  private void killTree(Process process) {
    boolean interrupted = Thread.interrupted();
    try {
      killTreeUninterrupted(process);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void killTreeUninterrupted(Process process) {
    Set<Long> launcher = Set.of(process.pid());
    List<ProcessHandle> seen = new ArrayList<>();
    long commandDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (System.nanoTime() < commandDeadline) {
      List<ProcessHandle> command =
          process.descendants().filter(p -> !launcher.contains(p.pid())).toList();
      if (command.stream().noneMatch(ProcessHandle::isAlive)) {
        break;
      }
      command.forEach(ProcessHandle::destroyForcibly);
      seen.addAll(command);
      pause();
    }
    // bwrap's init exits with the command, and the outer bwrap with it (each reaping the other);
    // only when they do not, they are killed, the init before its parent.
    seen.addAll(process.descendants().toList());
    if (!waitFor(process, 1000)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      waitFor(process, 500);
    }
    seen.add(process.toHandle());
    process.destroyForcibly();
    seen.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + KILL_WAIT.toNanos();
    List<ProcessHandle> alive = seen;
    while (true) {
      alive = alive.stream().filter(ProcessHandle::isAlive).toList();
      if (alive.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        log.warn("Processes {} still alive {} after they were killed", alive, KILL_WAIT);
        return;
      }
      alive.forEach(ProcessHandle::destroyForcibly);
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      pause();
    }
  }

  private static boolean waitFor(Process process, long millis) {
    try {
      return process.waitFor(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      return !process.isAlive();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void appendLine(Path file, String line) {
    try {
      Files.writeString(
          file,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the log " + file, e);
    }
  }

  /** Copies the process's output into the log up to the limit and counts the rest. */
  private static final class OutputPump implements Runnable {

    private final InputStream input;
    private final Path logFile;
    private final long limit;
    private final AtomicLong total = new AtomicLong();
    private volatile boolean endsWithNewline = true;
    private volatile IOException failure;

    OutputPump(InputStream input, Path logFile, SandboxCommand.Limits limits) {
      this.input = input;
      this.logFile = logFile;
      this.limit = limits.outputBytes();
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (OutputStream out =
          Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        int read;
        while ((read = input.read(buffer)) >= 0) {
          long before = total.getAndAdd(read);
          if (before < limit) {
            int kept = (int) Math.min(read, limit - before);
            out.write(buffer, 0, kept);
            endsWithNewline = buffer[kept - 1] == '\n';
            out.flush();
          }
        }
      } catch (IOException e) {
        failure = e;
      }
    }

    long total() {
      return total.get();
    }

    void finish(Thread thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
        if (thread.isAlive()) {
          // A process outside the worker's sight still holds the pipe: stop reading it.
          input.close();
          thread.join(TimeUnit.SECONDS.toMillis(1));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        log.debug("Closing the output pipe: {}", e.toString());
      }
      if (failure != null) {
        log.warn("Output of a sandboxed command partly lost: {}", failure.toString());
      }
    }

    void note(String line) {
      appendLine(logFile, (endsWithNewline ? "" : "\n") + line);
      endsWithNewline = true;
    }
  }
}
