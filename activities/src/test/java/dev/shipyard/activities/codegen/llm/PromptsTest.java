package dev.shipyard.activities.codegen.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.CheckStatus;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptsTest {

  @Test
  void findingsAreFailedThenNotRunChecksOnly() {
    ValidationReport report =
        new ValidationReport(
            0.5,
            false,
            false,
            List.of(),
            List.of(),
            List.of(
                check("a", CheckStatus.NOT_RUN, null),
                check("b", CheckStatus.PASSED, null),
                check("c", CheckStatus.FAILED, "x.py")));

    assertThat(Prompts.findings(report)).extracting(CheckResult::id).containsExactly("c", "a");
    assertThat(Prompts.findings(null)).isEmpty();
  }

  @Test
  void currentFilesKeepToTheBudgetNamedFilesFirstOthersOnlyWhole() {
    List<SourceFile> files =
        List.of(
            new SourceFile("mid1.txt", "1".repeat(30_000)),
            new SourceFile("huge.txt", "h".repeat(60_000)),
            new SourceFile("small.txt", "tiny\n"),
            new SourceFile("mid2.txt", "2".repeat(30_001)),
            new SourceFile("mid3.txt", "3".repeat(30_002)),
            new SourceFile("app/main.py", "m".repeat(50_000)));
    List<CheckResult> findings = List.of(check("py", CheckStatus.FAILED, "app/main.py"));

    String shown = Prompts.currentFiles(files, findings);

    // the named file comes first, cut at the per-file maximum and marked so
    assertThat(shown.indexOf("--- FILE app/main.py (shown in part: first 40000 of 50000 chars)"))
        .isGreaterThan(0)
        .isLessThan(shown.indexOf("--- FILE small.txt ---"));
    // then the others, smallest first, whole, while they fit: 120000 - 40000 - 5 leaves two mids
    assertThat(shown).contains("--- FILE small.txt ---\ntiny\n--- END FILE small.txt ---");
    assertThat(shown).contains("--- FILE mid1.txt ---").contains("--- FILE mid2.txt ---");
    assertThat(shown).doesNotContain("--- FILE mid3.txt").doesNotContain("--- FILE huge.txt");
    assertThat(shown).contains("Other files, not shown").contains("mid3.txt").contains("huge.txt");
    assertThat(shown.length()).isLessThan(Prompts.REFINE_FILES_BUDGET + 2_000);
  }

  private static CheckResult check(String id, CheckStatus status, String file) {
    return new CheckResult(id, "compile", file, status, true, 1, "message " + id, null);
  }
}
