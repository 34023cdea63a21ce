package dev.shipyard.workflows.replay;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.metadata.POJOWorkflowImplMetadata;
import io.temporal.common.metadata.POJOWorkflowMethodMetadata;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.WorkflowInterface;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The checked-in corpus of workflow histories, {@code
 * workflows/src/test/resources/replay/<WorkflowType>/<branch>.json}: each file is a history in
 * Temporal's JSON form ({@code WorkflowExecutionHistory.toJson(true)}, the same as {@code temporal
 * workflow show --output json} or the Web UI's download). Every history is replayed against the
 * current code by {@link ReplayCorpusTest}; recorders (JUnit tag {@value #RECORD_TAG}) write them.
 */
public final class ReplayCorpus {

  /** The JUnit tag of recorders; excluded from the default build by workflows/pom.xml. */
  public static final String RECORD_TAG = "replay-record";

  /** The package whose workflow implementations must all be covered by the corpus. */
  static final String WORKFLOWS_PACKAGE = "dev.shipyard.workflows";

  /**
   * Worker options of tests: Temporal's deadlock detector (a workflow thread that does not yield
   * for 1 s) raised to 30 s, because a cold JVM on a loaded CI machine can take longer than 1 s to
   * load the classes of a first workflow task. Real blocking in workflow code still fails.
   */
  public static final WorkerOptions TEST_WORKER_OPTIONS =
      WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build();

  private ReplayCorpus() {}

  /**
   * Replays one history against the given workflow implementations, as {@code WorkflowReplayer}
   * does, on a worker with {@link #TEST_WORKER_OPTIONS}. Throws when the code does not reproduce
   * the history (Temporal's non-determinism error is in the message).
   */
  public static void replay(WorkflowExecutionHistory history, Class<?>... implementations)
      throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = env.newWorker("replay", TEST_WORKER_OPTIONS);
      worker.registerWorkflowImplementationTypes(implementations);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }

  /** The corpus on the test classpath (a copy of the source folder made by the build). */
  public static Path classpathRoot() {
    URL root = ReplayCorpus.class.getClassLoader().getResource("replay");
    if (root == null) {
      throw new IllegalStateException(
          "No replay corpus on the test classpath: workflows/src/test/resources/replay is missing");
    }
    try {
      return Paths.get(root.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The source folder recorders write to: {@code shipyard.replay.dir} (set by workflows/pom.xml),
   * else {@code src/test/resources/replay} of the working directory (the module, in an IDE).
   */
  public static Path sourceRoot() {
    return Paths.get(System.getProperty("shipyard.replay.dir", "src/test/resources/replay"));
  }

  /** Every history file under {@code root}, as paths relative to it ({@code Type/branch.json}). */
  public static List<Path> histories(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .map(root::relativize)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static WorkflowExecutionHistory load(Path file) {
    try {
      return WorkflowExecutionHistory.fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The workflow type a history ran, from its first event. */
  static String workflowType(WorkflowExecutionHistory history) {
    return history
        .getEvents()
        .get(0)
        .getWorkflowExecutionStartedEventAttributes()
        .getWorkflowType()
        .getName();
  }

  /** Writes (or replaces) one history: {@code <sourceRoot>/<WorkflowType>/<fileName>}. */
  public static Path write(WorkflowExecutionHistory history, String fileName) {
    Path file = sourceRoot().resolve(workflowType(history)).resolve(fileName);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, history.toJson(true) + "\n", StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The workflow type names a workflow implementation class registers. */
  static List<String> workflowTypes(Class<?> implementation) {
    return POJOWorkflowImplMetadata.newInstance(implementation).getWorkflowMethods().stream()
        .map(POJOWorkflowMethodMetadata::getName)
        .toList();
  }

  /**
   * Every workflow implementation in the {@code workflows} module's main classes: concrete classes
   * of {@value #WORKFLOWS_PACKAGE} implementing an interface annotated {@code @WorkflowInterface}.
   * Found by scanning the compiled classes, so a new workflow needs no change here.
   */
  static List<Class<?>> workflowImplementations() {
    Path classes;
    try {
      classes =
          Paths.get(
              dev.shipyard.workflows.TaskQueues.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> files = Files.walk(classes)) {
      return files
          .map(classes::relativize)
          .map(Path::toString)
          .filter(name -> name.endsWith(".class") && !name.contains("$"))
          .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
          .filter(name -> name.startsWith(WORKFLOWS_PACKAGE + "."))
          .sorted()
          .<Class<?>>map(ReplayCorpus::loadClass)
          .filter(ReplayCorpus::isWorkflowImplementation)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isWorkflowImplementation(Class<?> type) {
    return !type.isInterface()
        && !Modifier.isAbstract(type.getModifiers())
        && Arrays.stream(type.getInterfaces())
            .anyMatch(i -> i.isAnnotationPresent(WorkflowInterface.class));
  }

  private static Class<?> loadClass(String name) {
    try {
      return Class.forName(name, false, ReplayCorpus.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
