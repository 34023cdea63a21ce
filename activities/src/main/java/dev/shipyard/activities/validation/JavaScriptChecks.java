package dev.shipyard.activities.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.workflows.capsules.CheckResult;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JavaScript: every {@code .js}, {@code .mjs} and {@code .cjs} file checked by {@code node --check}
 * (node's own parser, CommonJS or ES module as node would load it), and the tests run by {@code
 * node --test} when they use {@code node:test} and every package the project depends on is present.
 */
final class JavaScriptChecks {

  static final double SYNTAX_WEIGHT = 3;
  private static final int PARALLELISM = 4;
  private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LOCATION = Pattern.compile("^\\S+\\.[cm]?js:\\d+\\s*$");
  private static final Pattern ERROR = Pattern.compile("^[A-Za-z]*Error\\b");

  private final String executable;
  private final ProcessRunner runner;

  JavaScriptChecks(String executable, ProcessRunner runner) {
    this.executable = executable;
    this.runner = runner;
  }

  /** One {@code javascript.syntax:<file>} check per JavaScript file. */
  List<CheckResult> syntax(Workspace workspace) {
    List<String> files =
        workspace.files().keySet().stream().filter(FileKinds::isJavaScript).toList();
    if (files.isEmpty()) {
      return List.of();
    }
    // One node process per file (node --check takes one), a few at a time.
    int parallelism = Math.max(1, Math.min(PARALLELISM, files.size()));
    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    try {
      List<Future<CheckResult>> futures = new ArrayList<>();
      for (String file : files) {
        futures.add(pool.submit(() -> syntax(workspace, file)));
      }
      List<CheckResult> checks = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        try {
          checks.add(futures.get(i).get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          checks.add(notRun("javascript.syntax:" + files.get(i), files.get(i), "Interrupted"));
        } catch (ExecutionException e) {
          checks.add(
              notRun(
                  "javascript.syntax:" + files.get(i),
                  files.get(i),
                  "node --check could not run: " + e.getCause()));
        }
      }
      return checks;
    } finally {
      pool.shutdownNow();
    }
  }

  private CheckResult syntax(Workspace workspace, String file) {
    String id = "javascript.syntax:" + file;
    ProcessRunner.Result result =
        runner.run(
            List.of(executable, "--check", file),
            workspace.root(),
            workspace.scratch(),
            false,
            Map.of());
    return switch (result.outcome()) {
      case NOT_FOUND -> notRun(id, file, "node not found (" + result.output() + ")");
      case TIMED_OUT, INTERRUPTED -> notRun(id, file, result.output());
      case EXITED -> {
        if (result.exitCode() == 0) {
          yield Checks.passed(id, "syntax", file, true, SYNTAX_WEIGHT, "parses with node --check");
        }
        if (result.output().contains("ERR_INVALID_PACKAGE_CONFIG")) {
          yield Checks.notRun(
              id,
              "syntax",
              file,
              true,
              SYNTAX_WEIGHT,
              "node cannot check this file while package.json is invalid (see"
                  + " json.parse:package.json)",
              "Fix package.json");
        }
        yield Checks.failed(
            id,
            "syntax",
            file,
            true,
            SYNTAX_WEIGHT,
            describe(workspace.relativize(result.output())),
            "Fix the syntax error in " + file);
      }
    };
  }

  /**
   * Node's report without its stack: {@code file:line: SyntaxError: ...} first, then the source
   * line and caret node shows.
   */
  static String describe(String output) {
    List<String> kept = new ArrayList<>();
    String location = null;
    String error = null;
    for (String line : output.split("\\R")) {
      if (line.isBlank() || line.startsWith("    at ") || line.startsWith("Node.js v")) {
        continue;
      }
      if (location == null && LOCATION.matcher(line).matches()) {
        location = line.strip();
      }
      if (error == null && ERROR.matcher(line).find()) {
        error = line.strip();
      }
      kept.add(line);
    }
    String body = String.join("\n", kept).strip();
    if (location != null && error != null) {
      return location + ": " + error + "\n" + body;
    }
    return body;
  }

  private static CheckResult notRun(String id, String file, String reason) {
    return Checks.notRun(
        id,
        "syntax",
        file,
        true,
        SYNTAX_WEIGHT,
        reason,
        "Install Node.js on the worker so JavaScript sources can be checked");
  }

  /**
   * The {@code tests.run} check, or null when it cannot be run honestly here: no test file using
   * {@code node:test}, node missing or older than 18, or a dependency of package.json not present
   * in the project (there is no network to install it).
   */
  CheckResult runTests(Workspace workspace) {
    boolean usesNodeTest =
        workspace.files().entrySet().stream()
            .anyMatch(
                e ->
                    FileKinds.isJavaScript(e.getKey())
                        && FileKinds.isTest(e.getKey())
                        && e.getValue().contains("node:test"));
    if (!usesNodeTest || !dependenciesPresent(workspace)) {
      return null;
    }
    ProcessRunner.Result version =
        runner.run(
            List.of(executable, "--version"),
            workspace.root(),
            workspace.scratch(),
            false,
            Map.of());
    Matcher major = VERSION.matcher(version.output());
    if (!version.succeeded() || !major.find() || Integer.parseInt(major.group(1)) < 18) {
      return null;
    }
    ProcessRunner.Result result =
        runner.run(
            List.of(executable, "--test"),
            workspace.root(),
            workspace.scratch(),
            true,
            TestRuns.environment(workspace));
    return TestRuns.verdict(workspace, result, "node --test");
  }

  private static boolean dependenciesPresent(Workspace workspace) {
    String packageJson = workspace.files().get("package.json");
    if (packageJson == null) {
      return true;
    }
    JsonNode root;
    try {
      root = JSON.readTree(packageJson);
    } catch (IOException e) {
      return false;
    }
    for (String section : List.of("dependencies", "devDependencies")) {
      Iterator<String> names = root.path(section).fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!Files.isRegularFile(
            workspace.root().resolve("node_modules").resolve(name).resolve("package.json"))) {
          return false;
        }
      }
    }
    return true;
  }
}
