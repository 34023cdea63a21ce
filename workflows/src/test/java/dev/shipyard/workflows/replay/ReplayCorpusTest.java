package dev.shipyard.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.workflows.WorkerRegistry;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every history of the checked-in corpus against today's workflow code: a change that would
 * break a workflow already running in production (a different order of activities, timers or child
 * workflows, without {@code Workflow.getVersion}) fails here. A new history needs no new code: drop
 * the JSON under {@code src/test/resources/replay/<WorkflowType>/}.
 */
class ReplayCorpusTest {

  static List<Path> histories() {
    return ReplayCorpus.histories(ReplayCorpus.classpathRoot());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void replaysWithTheCurrentCode(Path history) throws Exception {
    // What the worker runs: the implementations of the one registration.
    ReplayCorpus.replay(
        ReplayCorpus.load(ReplayCorpus.classpathRoot().resolve(history)),
        WorkerRegistry.WORKFLOWS.stream()
            .map(WorkerRegistry.WorkflowBinding::implementation)
            .distinct()
            .toArray(Class<?>[]::new));
  }

  @Test
  void everyWorkflowHasHistoriesInTheCorpus() {
    // Every implementation in the module, registered or not (WorkerRegistry's own test checks
    // that each is registered).
    List<Class<?>> implementations = ReplayCorpus.workflowImplementations();
    assertThat(implementations)
        .as("workflow implementations found in the workflows module")
        .isNotEmpty();
    List<Path> files = histories();
    assertThat(files).as("histories in the corpus").isNotEmpty();

    Set<String> recorded =
        files.stream()
            .map(f -> ReplayCorpus.load(ReplayCorpus.classpathRoot().resolve(f)))
            .map(ReplayCorpus::workflowType)
            .collect(Collectors.toSet());
    for (Class<?> implementation : implementations) {
      assertThat(recorded)
          .as("a recorded history of %s (run the recorder: README, Tests)", implementation)
          .containsAll(ReplayCorpus.workflowTypes(implementation));
    }
  }

  @Test
  void eachFileLivesInTheFolderOfItsWorkflowType() {
    for (Path file : histories()) {
      WorkflowExecutionHistory history =
          ReplayCorpus.load(ReplayCorpus.classpathRoot().resolve(file));
      assertThat(file.getNameCount()).as("%s: <WorkflowType>/<branch>.json", file).isEqualTo(2);
      assertThat(file.getName(0).toString())
          .as(file.toString())
          .isEqualTo(ReplayCorpus.workflowType(history));
    }
  }
}
