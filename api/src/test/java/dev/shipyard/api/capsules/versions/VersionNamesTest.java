package dev.shipyard.api.capsules.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shipyard.api.error.ApiException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * The path and ref-name rules of versions. Branch and tag names are checked against the system's
 * {@code git check-ref-format --allow-onelevel}: the rules must agree with git on every name here.
 */
class VersionNamesTest {

  private static final List<String> NAMES =
      List.of(
          "main",
          "v1.0.0",
          "feature/auth-middleware",
          "release/2024.01",
          "a-b_c+d=e,f",
          "ünïcödé",
          "@",
          "a@{b",
          "a@b",
          "bad..name",
          ".hidden",
          "feature/.hidden",
          "v1.lock",
          "feature/x.lock",
          "x.lock/y",
          "end.",
          "/lead",
          "trail/",
          "a//b",
          "a b",
          "x~1",
          "x^1",
          "x:1",
          "x?",
          "x*",
          "x[1",
          "a\\b",
          "tab\there",
          "del\u007f",
          "a.b",
          "..",
          ".",
          "a/./b",
          "a/../b");

  @Test
  void refNamesAgreeWithGit() throws Exception {
    for (String name : NAMES) {
      boolean git = gitAccepts(name);
      assertThat(VersionNames.refProblem(name) == null)
          .as("'%s' (git accepts: %s)", name, git)
          .isEqualTo(git);
    }
  }

  @Test
  void aLeadingDashIsRefusedAsGitBranchDoes() {
    // git check-ref-format reads "-x" as an option; git branch refuses such names.
    assertThat(VersionNames.refProblem("-dash")).contains("'-'");
  }

  @Test
  void refusedRefNamesAre422NamingTheField() {
    assertThatThrownBy(() -> VersionNames.checkRef("tag", "bad..name"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.error().status()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
              assertThat(e.error().field()).isEqualTo("tag");
              assertThat(e.error().message()).contains("'..'");
            });
  }

  @Test
  void hostilePathsAreRefused() {
    for (String path :
        List.of(
            "",
            "../../etc/passwd",
            "a/../b",
            "/etc/passwd",
            "a\\b",
            "a\u0000b",
            "a\tb",
            "a//b",
            "a/",
            "./a",
            "é".repeat(2049))) {
      assertThat(VersionNames.pathProblem(path)).as(VersionNames.printable(path)).isNotNull();
    }
    assertThat(VersionNames.pathProblem("x".repeat(4096))).isNull();
    assertThat(VersionNames.pathProblem("x".repeat(4097))).contains("4096");
    for (String path : List.of("a", "src/main.py", ".github/workflows/ci.yml", "a..b/c", "x y")) {
      assertThat(VersionNames.pathProblem(path)).as(path).isNull();
    }
    assertThatThrownBy(() -> VersionNames.checkPath("changes[0].path", "../x"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.error().status()).isEqualTo(HttpStatus.BAD_REQUEST);
              assertThat(e.error().field()).isEqualTo("changes[0].path");
            });
  }

  @Test
  void aPathCannotBeBothAFileAndADirectory() {
    VersionNames.checkNoFileDirectoryClash(List.of("a/b", "a/c", "ab", "a.b/c"));
    assertThatThrownBy(() -> VersionNames.checkNoFileDirectoryClash(List.of("a", "a/b")))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("both a file and a directory");
    assertThatThrownBy(() -> VersionNames.checkNoFileDirectoryClash(List.of("x/y/z", "x/y")))
        .isInstanceOf(ApiException.class);
  }

  private static boolean gitAccepts(String name) throws IOException, InterruptedException {
    Process git =
        new ProcessBuilder("git", "check-ref-format", "--allow-onelevel", name)
            .redirectErrorStream(true)
            .start();
    git.getInputStream().readAllBytes();
    assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return git.exitValue() == 0;
  }
}
