package dev.shipyard.workflows.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.workflows.replay.ReplayCorpus;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A branch added to {@link DeploymentBranch} without recording its history fails the build. */
class DeploymentBranchCorpusTest {

  @Test
  void everyBranchHasARecordedHistory() {
    List<Path> recorded = ReplayCorpus.histories(ReplayCorpus.classpathRoot());
    List<Path> expected =
        Arrays.stream(DeploymentBranch.values())
            .map(b -> Path.of("DeploymentWorkflow", b.fileName()))
            .toList();
    assertThat(recorded)
        .as("record with -Dshipyard.replay.record=true (README, Tests)")
        .containsAll(expected);
  }
}
