package dev.shipyard.workflows.capsules;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** capsules-api.md {@code preview}: which of a capsule's files are sources, tests, Docker, CI. */
public record Preview(
    @JsonProperty("source_files") List<String> sourceFiles,
    @JsonProperty("test_files") List<String> testFiles,
    @JsonProperty("has_dockerfile") boolean hasDockerfile,
    @JsonProperty("has_ci_cd") boolean hasCiCd,
    @JsonProperty("has_tests") boolean hasTests) {

  public static Preview of(List<String> paths) {
    List<String> tests = paths.stream().filter(Preview::isTest).toList();
    List<String> sources =
        paths.stream().filter(p -> !isTest(p) && (isSource(p) || isDockerfile(p))).toList();
    return new Preview(
        sources,
        tests,
        paths.stream().anyMatch(Preview::isDockerfile),
        paths.stream()
            .anyMatch(p -> p.startsWith(".github/workflows/") || p.equals(".gitlab-ci.yml")),
        !tests.isEmpty());
  }

  private static boolean isDockerfile(String p) {
    return p.equals("Dockerfile") || p.endsWith("/Dockerfile");
  }

  private static boolean isSource(String p) {
    return p.endsWith(".py") || p.endsWith(".java") || p.endsWith(".js") || p.endsWith(".ts");
  }

  private static boolean isTest(String p) {
    String name = p.substring(p.lastIndexOf('/') + 1);
    return isSource(p)
        && (p.startsWith("tests/")
            || p.startsWith("test/")
            || p.contains("/test/")
            || name.startsWith("test_")
            || name.endsWith("_test.py")
            || name.endsWith("Test.java")
            || name.endsWith("Tests.java")
            || name.endsWith(".test.js"));
  }
}
