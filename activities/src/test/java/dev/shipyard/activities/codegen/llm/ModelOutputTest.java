package dev.shipyard.activities.codegen.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shipyard.activities.codegen.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelOutputTest {

  @Test
  void readsPlainJson() throws Exception {
    var root = ModelOutput.jsonObject(Completions.files("a.py", "print(1)\n"), "files");
    assertThat(ModelOutput.files(root, false))
        .containsExactly(new SourceFile("a.py", "print(1)\n"));
  }

  @Test
  void readsJsonInsideFencesAndProse() throws Exception {
    String content =
        "Sure! Here is the {project}:\n```json\n"
            + Completions.files("README.md", "# Demo\n\n```bash\nmake\n```\n")
            + "\n```\nLet me know if you need more.";
    var files = ModelOutput.files(ModelOutput.jsonObject(content, "files"), false);
    assertThat(files)
        .containsExactly(new SourceFile("README.md", "# Demo\n\n```bash\nmake\n```\n"));
  }

  @Test
  void toleratesTrailingCommasAndRawNewlinesInStrings() throws Exception {
    String content = "{\"files\": [{\"path\": \"a.txt\", \"content\": \"line1\nline2\"},]}";
    var files = ModelOutput.files(ModelOutput.jsonObject(content, "files"), false);
    assertThat(files).containsExactly(new SourceFile("a.txt", "line1\nline2"));
  }

  @Test
  void notJsonIsUnusable() {
    assertThatThrownBy(() -> ModelOutput.jsonObject("I cannot do that.", "files"))
        .isInstanceOf(UnusableAnswer.class)
        .hasMessageContaining("no JSON object");
    assertThatThrownBy(() -> ModelOutput.jsonObject("{\"files\": [", "files"))
        .isInstanceOf(UnusableAnswer.class)
        .hasMessageContaining("not a valid JSON object");
    assertThatThrownBy(() -> ModelOutput.jsonObject("  ", "files"))
        .isInstanceOf(UnusableAnswer.class)
        .hasMessageContaining("empty");
  }

  @Test
  void laterDuplicateWinsAndLeadingDotSlashIsDropped() throws Exception {
    var root =
        Completions.parse(Completions.files("./app/main.py", "v1", "app/main.py", "v2", "b", "x"));
    assertThat(ModelOutput.files(root, false))
        .containsExactly(new SourceFile("app/main.py", "v2"), new SourceFile("b", "x"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../etc/passwd",
        "app/../../x",
        "/etc/passwd",
        "C:/Windows/x",
        "a\\b.py",
        "a//b.py",
        "a/./b.py",
        ".git/config",
        "sub/.GIT/hooks/pre-commit",
        "~/x",
        "a/b\u0000.py",
        ""
      })
  void unsafePathsAreRejected(String path) {
    var root = Completions.parse(Completions.files(path, "x"));
    assertThatThrownBy(() -> ModelOutput.files(root, false))
        .isInstanceOf(UnusableAnswer.class)
        .hasMessageContaining("unsafe file path");
  }

  @Test
  void limitsAreEnforcedWithClearMessages() {
    String[] many = new String[(ModelOutput.MAX_FILES + 1) * 2];
    for (int i = 0; i < ModelOutput.MAX_FILES + 1; i++) {
      many[2 * i] = "f" + i + ".txt";
      many[2 * i + 1] = "x";
    }
    assertThatThrownBy(() -> ModelOutput.files(Completions.parse(Completions.files(many)), false))
        .isInstanceOf(UnusableAnswer.class)
        .hasMessageContaining((ModelOutput.MAX_FILES + 1) + " files")
        .hasMessageContaining("at most " + ModelOutput.MAX_FILES);
    String big = "x".repeat(ModelOutput.MAX_FILE_CHARS + 1);
    assertThatThrownBy(
            () -> ModelOutput.files(Completions.parse(Completions.files("big.txt", big)), false))
        .isInstanceOf(UnusableAnswer.class)
        .hasMessageContaining("\"big.txt\"")
        .hasMessageContaining(String.valueOf(ModelOutput.MAX_FILE_CHARS));
  }

  @Test
  void emptyFilesAllowedOnlyWhenAsked() throws Exception {
    var root = Completions.parse("{\"files\": []}");
    assertThat(ModelOutput.files(root, true)).isEqualTo(List.of());
    assertThatThrownBy(() -> ModelOutput.files(root, false))
        .isInstanceOf(UnusableAnswer.class)
        .hasMessageContaining("no files");
    assertThatThrownBy(() -> ModelOutput.files(Completions.parse("{\"project\": 1}"), false))
        .isInstanceOf(UnusableAnswer.class)
        .hasMessageContaining("\"files\" array");
  }
}
