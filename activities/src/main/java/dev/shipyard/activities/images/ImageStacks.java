package dev.shipyard.activities.images;

import dev.shipyard.activities.codegen.SourceFile;
import java.util.List;
import java.util.Set;

/**
 * What an image of each stack runs: the stack is read from the files as builds read it ({@code
 * pom.xml} is {@code java-maven}, {@code package.json} is {@code node}, {@code requirements.txt},
 * {@code pyproject.toml} or {@code *.py} is {@code python}, anything else {@code files}); the
 * command and port are those of the generated stacks' Dockerfiles. The image holds the project's
 * files under {@code /app}; the runtime (JDK and Maven, python3 and its packages, node and its
 * modules) must come from the base image: nothing is installed without a daemon.
 */
final class ImageStacks {

  static final String WORKDIR = "/app";

  private ImageStacks() {}

  /** A stack's plan: its name, the base variable, the command, the port, the manifest files. */
  record Plan(
      String stack, String baseVariable, List<String> entrypoint, int port, Set<String> manifests) {

    boolean isManifest(String path) {
      return manifests.contains(path);
    }
  }

  static Plan plan(List<SourceFile> files) {
    Set<String> paths = new java.util.HashSet<>();
    files.forEach(f -> paths.add(f.path()));
    if (paths.contains("pom.xml")) {
      return new Plan(
          "java-maven",
          "IMAGE_BASE_JAVA",
          List.of("mvn", "-B", "-q", "-f", WORKDIR + "/pom.xml", "spring-boot:run"),
          8080,
          Set.of("pom.xml"));
    }
    if (paths.contains("package.json")) {
      String main = paths.contains("src/server.js") ? "src/server.js" : "index.js";
      return new Plan(
          "node",
          "IMAGE_BASE_NODE",
          List.of("node", WORKDIR + "/" + main),
          3000,
          Set.of("package.json", "package-lock.json"));
    }
    if (paths.contains("requirements.txt")
        || paths.contains("pyproject.toml")
        || paths.stream().anyMatch(p -> p.endsWith(".py"))) {
      return new Plan(
          "python",
          "IMAGE_BASE_PYTHON",
          List.of(
              "python3",
              "-m",
              "uvicorn",
              "app.main:create_app",
              "--factory",
              "--host",
              "0.0.0.0",
              "--port",
              "8000"),
          8000,
          Set.of("requirements.txt", "requirements-dev.txt", "pyproject.toml"));
    }
    return new Plan("files", null, List.of(), 0, Set.of());
  }
}
