package dev.shipyard.activities.validation;

import java.util.List;
import java.util.Locale;

/** How the validator tells kinds of files apart, by path alone. */
final class FileKinds {

  private static final List<String> TEST_DIRECTORIES = List.of("tests", "test", "__tests__");
  private static final List<String> CODE_EXTENSIONS =
      List.of(".py", ".java", ".js", ".mjs", ".cjs", ".ts");

  private FileKinds() {}

  static String fileName(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  static boolean isPython(String path) {
    return path.endsWith(".py");
  }

  static boolean isJava(String path) {
    return path.endsWith(".java");
  }

  static boolean isJavaScript(String path) {
    return path.endsWith(".js") || path.endsWith(".mjs") || path.endsWith(".cjs");
  }

  static boolean isYaml(String path) {
    return path.endsWith(".yml") || path.endsWith(".yaml");
  }

  static boolean isJson(String path) {
    return path.endsWith(".json");
  }

  static boolean isMarkdown(String path) {
    String lower = path.toLowerCase(Locale.ROOT);
    return lower.endsWith(".md") || lower.endsWith(".rst") || lower.endsWith(".txt");
  }

  /** {@code Dockerfile}, {@code Dockerfile.prod} or {@code api.Dockerfile}, in any directory. */
  static boolean isDockerfile(String path) {
    String name = fileName(path);
    return name.equals("Dockerfile")
        || name.startsWith("Dockerfile.")
        || name.endsWith(".Dockerfile");
  }

  /** A GitHub Actions workflow. */
  static boolean isGithubWorkflow(String path) {
    return path.startsWith(".github/workflows/") && isYaml(path) && path.indexOf('/', 18) < 0;
  }

  /** A CI definition of GitHub Actions, GitLab, CircleCI, Jenkins, Azure Pipelines or Bitbucket. */
  static boolean isCiDefinition(String path) {
    return isGithubWorkflow(path)
        || path.equals(".gitlab-ci.yml")
        || path.equals(".circleci/config.yml")
        || path.equals("Jenkinsfile")
        || path.equals("azure-pipelines.yml")
        || path.equals("bitbucket-pipelines.yml");
  }

  /** {@code README}, {@code README.md}, {@code readme.rst}... at the project root. */
  static boolean isReadme(String path) {
    return !path.contains("/") && fileName(path).toLowerCase(Locale.ROOT).startsWith("readme");
  }

  /**
   * A test source: a code file under a {@code tests/}, {@code test/} or {@code __tests__/}
   * directory (but not {@code __init__.py} or {@code conftest.py}), or named like a test: {@code
   * test_*.py}, {@code *_test.py}, {@code *Test.java}, {@code *Tests.java}, {@code *IT.java},
   * {@code *.test.js}, {@code *.spec.js} (and .mjs, .cjs, .ts).
   */
  static boolean isTest(String path) {
    String name = fileName(path);
    if (CODE_EXTENSIONS.stream().noneMatch(name::endsWith)) {
      return false;
    }
    if (name.equals("__init__.py") || name.equals("conftest.py")) {
      return false;
    }
    String[] segments = path.split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      if (TEST_DIRECTORIES.contains(segments[i])) {
        return true;
      }
    }
    return (name.startsWith("test_") && name.endsWith(".py"))
        || name.endsWith("_test.py")
        || name.endsWith("Test.java")
        || name.endsWith("Tests.java")
        || name.endsWith("IT.java")
        || name.matches(".*\\.(test|spec)\\.(js|mjs|cjs|ts)");
  }
}
