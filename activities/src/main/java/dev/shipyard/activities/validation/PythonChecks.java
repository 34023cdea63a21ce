package dev.shipyard.activities.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.workflows.capsules.CheckResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Python: every {@code .py} file compiled by the real interpreter (one {@code python3} process that
 * runs {@code compile()} on each file, exactly what {@code py_compile} does without writing {@code
 * .pyc} files), and the project's tests run by pytest when the interpreter has pytest and every
 * distribution the project requires.
 */
final class PythonChecks {

  static final double COMPILE_WEIGHT = 3;

  /** Compiles each argument; prints one JSON line per file. */
  private static final String COMPILE_SCRIPT =
      String.join(
          "\n",
          "import json, sys, traceback",
          "for f in sys.argv[1:]:",
          "    try:",
          "        with open(f, 'rb') as h:",
          "            source = h.read()",
          "        compile(source, f, 'exec', dont_inherit=True)",
          "        print(json.dumps({'file': f, 'ok': True}), flush=True)",
          "    except Exception as e:",
          "        message = ''.join(traceback.format_exception_only(type(e), e))",
          "        line = getattr(e, 'lineno', None)",
          "        print(json.dumps({'file': f, 'ok': False, 'line': line, 'message': message}),"
              + " flush=True)");

  /** Prints the interpreter's path and whether pytest can be imported. */
  private static final String PROBE_SCRIPT =
      "import importlib.util, sys\n"
          + "print(sys.executable)\n"
          + "print(importlib.util.find_spec('pytest') is not None)";

  /**
   * Prints, as JSON, the distributions named in requirements*.txt and pyproject.toml's
   * [project].dependencies that are not installed.
   */
  private static final String MISSING_DEPENDENCIES_SCRIPT =
      String.join(
          "\n",
          "import glob, json, re, importlib.metadata as md",
          "names = []",
          "for path in sorted(glob.glob('requirements*.txt')):",
          "    for line in open(path, encoding='utf-8'):",
          "        line = line.split('#', 1)[0].strip()",
          "        if line and not line.startswith('-'):",
          "            names.append(line)",
          "try:",
          "    import tomllib",
          "    with open('pyproject.toml', 'rb') as h:",
          "        names += tomllib.load(h).get('project', {}).get('dependencies', [])",
          "except (ImportError, OSError):",
          "    pass",
          "missing = []",
          "for spec in names:",
          "    m = re.match(r'[A-Za-z0-9][A-Za-z0-9._-]*', spec)",
          "    if not m:",
          "        continue",
          "    try:",
          "        md.distribution(m.group(0))",
          "    except md.PackageNotFoundError:",
          "        missing.append(m.group(0))",
          "print(json.dumps(missing))");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String executable;
  private final ProcessRunner runner;
  private volatile Probe probe;

  /** What the interpreter said about itself. */
  record Probe(String executable, boolean hasPytest) {}

  PythonChecks(String executable, ProcessRunner runner) {
    this.executable = executable;
    this.runner = runner;
  }

  /** The interpreter's real path and whether it has pytest; null with the reason when absent. */
  private ProbeOrReason probe(Workspace workspace) {
    Probe known = probe;
    if (known != null) {
      return new ProbeOrReason(known, null);
    }
    ProcessRunner.Result result =
        runner.run(
            List.of(executable, "-I", "-c", PROBE_SCRIPT),
            workspace.scratch(),
            workspace.scratch(),
            false,
            Map.of());
    if (result.outcome() == ProcessRunner.Outcome.NOT_FOUND) {
      return new ProbeOrReason(null, "python3 not found (" + result.output() + ")");
    }
    if (!result.succeeded()) {
      return new ProbeOrReason(null, executable + " did not start: " + result.output());
    }
    String[] lines = result.output().strip().split("\\R");
    if (lines.length < 2) {
      return new ProbeOrReason(null, executable + " answered oddly: " + result.output());
    }
    Probe found = new Probe(lines[0].strip(), Boolean.parseBoolean(lines[1].strip()));
    probe = found;
    return new ProbeOrReason(found, null);
  }

  private record ProbeOrReason(Probe probe, String reason) {}

  /** One {@code python.compile:<file>} check per Python file. */
  List<CheckResult> compile(Workspace workspace) {
    List<String> files = workspace.files().keySet().stream().filter(FileKinds::isPython).toList();
    if (files.isEmpty()) {
      return List.of();
    }
    ProbeOrReason found = probe(workspace);
    if (found.probe() == null) {
      return notRun(files, found.reason());
    }
    List<String> command = new ArrayList<>(List.of(found.probe().executable(), "-I", "-B", "-c"));
    command.add(COMPILE_SCRIPT);
    command.addAll(files);
    ProcessRunner.Result result =
        runner.run(command, workspace.root(), workspace.scratch(), false, Map.of());
    Map<String, JsonNode> verdicts = new HashMap<>();
    for (String line : result.output().split("\\R")) {
      if (line.startsWith("{")) {
        try {
          JsonNode node = JSON.readTree(line);
          verdicts.put(node.path("file").asText(), node);
        } catch (java.io.IOException e) {
          // not one of ours: interpreter noise
        }
      }
    }
    List<CheckResult> checks = new ArrayList<>();
    for (String file : files) {
      JsonNode verdict = verdicts.get(file);
      String id = "python.compile:" + file;
      if (verdict == null) {
        checks.add(
            Checks.notRun(
                id,
                "compile",
                file,
                true,
                COMPILE_WEIGHT,
                "python3 gave no verdict for this file: " + workspace.relativize(result.output()),
                "Re-run validation; check the worker's python3"));
      } else if (verdict.path("ok").asBoolean()) {
        checks.add(
            Checks.passed(id, "compile", file, true, COMPILE_WEIGHT, "compiles with python3"));
      } else {
        String line = verdict.path("line").isNumber() ? ":" + verdict.path("line").asInt() : "";
        String message = verdict.path("message").asText().strip();
        checks.add(
            Checks.failed(
                id,
                "compile",
                file,
                true,
                COMPILE_WEIGHT,
                file + line + ": " + headline(message) + "\n" + message,
                "Fix the syntax error in " + file + line));
      }
    }
    return checks;
  }

  /** The exception line of Python's message, e.g. {@code SyntaxError: invalid syntax}. */
  private static String headline(String message) {
    String[] lines = message.split("\\R");
    return lines[lines.length - 1].strip();
  }

  private static List<CheckResult> notRun(List<String> files, String reason) {
    return files.stream()
        .map(
            file ->
                Checks.notRun(
                    "python.compile:" + file,
                    "compile",
                    file,
                    true,
                    COMPILE_WEIGHT,
                    reason,
                    "Install python3 on the worker so Python sources can be compiled"))
        .toList();
  }

  /**
   * The {@code tests.run} check, or null when it cannot be run honestly here: no Python tests, no
   * interpreter, no pytest, or a required distribution not installed (tests would fail on imports,
   * which says nothing about the project).
   */
  CheckResult runTests(Workspace workspace) {
    boolean hasTests =
        workspace.files().keySet().stream()
            .anyMatch(path -> FileKinds.isPython(path) && FileKinds.isTest(path));
    if (!hasTests) {
      return null;
    }
    ProbeOrReason found = probe(workspace);
    if (found.probe() == null || !found.probe().hasPytest()) {
      return null;
    }
    Map<String, String> environment = TestRuns.environment(workspace);
    ProcessRunner.Result missing =
        runner.run(
            List.of(found.probe().executable(), "-B", "-c", MISSING_DEPENDENCIES_SCRIPT),
            workspace.root(),
            workspace.scratch(),
            true,
            environment);
    if (!missing.succeeded() || !missing.output().strip().equals("[]")) {
      return null;
    }
    ProcessRunner.Result result =
        runner.run(
            List.of(
                found.probe().executable(),
                "-B",
                "-m",
                "pytest",
                "-q",
                "--tb=line",
                "-rf",
                "--color=no",
                "-p",
                "no:cacheprovider"),
            workspace.root(),
            workspace.scratch(),
            true,
            environment);
    return TestRuns.verdict(workspace, result, "pytest");
  }
}
