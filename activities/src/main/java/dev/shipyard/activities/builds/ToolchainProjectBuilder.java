package dev.shipyard.activities.builds;

import dev.shipyard.activities.common.StepProgress;
import dev.shipyard.activities.sandbox.Sandbox;
import dev.shipyard.activities.sandbox.SandboxCommand;
import dev.shipyard.activities.sandbox.SandboxResult;
import dev.shipyard.activities.sandbox.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds a project with the real toolchain of its stack, every command in the {@link Sandbox}:
 *
 * <ul>
 *   <li>{@code java-maven} ({@code pom.xml}): {@code mvn} with the worker's shared local repository
 *       and a mirror; a dependency step with network (the test phase with a filter that matches no
 *       test, so plugins and Surefire's provider are resolved too), then the tests offline ({@code
 *       -o}) under JaCoCo ({@code prepare-agent} and {@code report} as command-line goals: the pom
 *       need not change); Surefire's XML and JaCoCo's CSV are read back.
 *   <li>{@code node} ({@code package.json}): {@code npm install} (network, the configured
 *       registry), then {@code node --test --experimental-test-coverage} with the spec and junit
 *       reporters.
 *   <li>{@code python} ({@code requirements.txt}, {@code pyproject.toml} or {@code *.py}):
 *       dependencies from a configured index into a venv in the workspace (network), or else the
 *       worker's own packages, checked against the requirements; then {@code pytest} under {@code
 *       coverage run}, its JUnit XML and {@code coverage json} read back.
 * </ul>
 *
 * A missing tool is a failed step with outcome {@code not_found} that names it. The log (outside
 * the workspace) holds every command's output in order, each under a header line, and at the end
 * the test cases the reports list.
 */
public final class ToolchainProjectBuilder implements ProjectBuilder {

  /** The builder's own files inside the workspace: reports, a home, Maven settings. */
  static final String OWN_DIRECTORY = ".shipyard-build";

  private static final int MAX_TEST_NAMES = 200;

  private final Sandbox sandbox;
  private final BuildSettings settings;

  public ToolchainProjectBuilder(Sandbox sandbox, BuildSettings settings) {
    this.sandbox = sandbox;
    this.settings = settings;
  }

  public Sandbox sandbox() {
    return sandbox;
  }

  /** The stack of the project in {@code workspace}, from its files. */
  public static String detectStack(Path workspace) {
    if (Files.isRegularFile(workspace.resolve("pom.xml"))) {
      return "java-maven";
    }
    if (Files.isRegularFile(workspace.resolve("package.json"))) {
      return "node";
    }
    if (Files.isRegularFile(workspace.resolve("requirements.txt"))
        || Files.isRegularFile(workspace.resolve("pyproject.toml"))
        || !TestReports.find(workspace, 3, p -> p.toString().endsWith(".py")).isEmpty()) {
      return "python";
    }
    return "unknown";
  }

  /** Builds with a new log file in the settings' log directory (tests, tools). */
  public BuildReport build(Path workspace, StepProgress progress, Ticker ticker) {
    return build(workspace, newLog(), progress, ticker);
  }

  @Override
  public BuildReport build(Path workspace, Path log, StepProgress progress, Ticker ticker) {
    Path root = workspace.toAbsolutePath().normalize();
    Run run = new Run(root, progress, ticker, log);
    String stack = detectStack(root);
    run.header(
        "Shipyard build of "
            + root.getFileName()
            + ": stack "
            + stack
            + ", sandbox "
            + sandbox.name());
    return switch (stack) {
      case "java-maven" -> java(run);
      case "node" -> node(run);
      case "python" -> python(run);
      default -> {
        run.steps.add(
            new BuildReport.Step("Detecting the stack", "none", false, "not_found", -1, 0));
        run.line("No pom.xml, package.json, requirements.txt, pyproject.toml or *.py found");
        yield run.report(stack, List.of(), null, false, "No known stack: nothing was installed");
      }
    };
  }

  // ---------------------------------------------------------------------------------------- Java

  private BuildReport java(Run run) {
    Path own = run.own();
    Path settingsXml = own.resolve("maven-settings.xml");
    write(
        settingsXml,
        """
        <settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
          <mirrors>
            <mirror>
              <id>shipyard-build-mirror</id>
              <mirrorOf>*</mirrorOf>
              <url>%s</url>
            </mirror>
          </mirrors>
        </settings>
        """
            .formatted(xml(settings.mavenMirror())));
    try {
      Files.createDirectories(settings.mavenRepository());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the Maven repository", e);
    }
    String jacoco = "org.jacoco:jacoco-maven-plugin:" + settings.jacocoVersion();
    List<String> maven =
        List.of(
            "mvn",
            "-B",
            "-ntp",
            "-Dstyle.color=never",
            "-s",
            settingsXml.toString(),
            "-Dmaven.repo.local=" + settings.mavenRepository());
    Map<String, String> environment = run.environment();
    environment.put("JAVA_TOOL_OPTIONS", jvmOptions());
    environment.put("MALLOC_ARENA_MAX", "2");

    List<String> resolve = new ArrayList<>(maven);
    resolve.addAll(
        List.of(
            jacoco + ":prepare-agent",
            "test",
            jacoco + ":report",
            // Every test class, no test method: Surefire forks and resolves its provider (which
            // it does not when no class matches), yet no test runs with the network on.
            "-Dtest=*#shipyardNoSuchMethod",
            "-Dsurefire.failIfNoSpecifiedTests=false",
            "-DfailIfNoTests=false"));
    SandboxResult dependencies =
        run.step("Resolving dependencies", 10, "mvn", resolve, environment, true);
    if (dependencies.outcome() == SandboxResult.Outcome.NOT_FOUND) {
      return run.report("java-maven", List.of(), null, false, "mvn not found on " + pathNote());
    }
    String note =
        dependencies.succeeded()
            ? null
            : "mvn could not resolve the dependencies (" + describe(dependencies) + ")";

    List<String> test = new ArrayList<>(maven);
    test.addAll(List.of("-o", jacoco + ":prepare-agent", "test", jacoco + ":report"));
    run.step("Running tests", 50, "mvn", test, environment, false);

    List<Path> surefire =
        TestReports.find(
            run.workspace,
            6,
            p ->
                p.getParent() != null
                    && p.getParent().getFileName().toString().equals("surefire-reports")
                    && p.getFileName().toString().startsWith("TEST-")
                    && p.toString().endsWith(".xml"));
    List<TestReports.TestCase> cases = TestReports.junit(surefire, true);
    Double coverage =
        TestReports.jacoco(
            TestReports.find(
                run.workspace, 6, p -> p.toString().endsWith("site/jacoco/jacoco.csv")));
    return run.report("java-maven", cases, coverage, note == null, note);
  }

  private String jvmOptions() {
    long heapMegabytes = Math.max(256, Math.min(2048, (settings.limits().memoryBytes() >> 20) / 4));
    return "-Xmx"
        + heapMegabytes
        + "m -Xss1m -XX:ReservedCodeCacheSize=128m -XX:CompressedClassSpaceSize=128m"
        + " -XX:MaxMetaspaceSize=384m -XX:+UseSerialGC";
  }

  // ---------------------------------------------------------------------------------------- Node

  private BuildReport node(Run run) {
    Map<String, String> environment = run.environment();
    environment.put("NPM_CONFIG_REGISTRY", settings.npmRegistry());
    environment.put("NPM_CONFIG_UPDATE_NOTIFIER", "false");
    environment.put("NPM_CONFIG_FUND", "false");
    environment.put("NPM_CONFIG_AUDIT", "false");
    environment.put("NODE_ENV", "test");
    // V8 reserves about 10 GiB of address space per WebAssembly memory for its trap handler's
    // guard regions (undici's fetch uses WebAssembly), which no address-space limit allows.
    environment.put("NODE_OPTIONS", "--disable-wasm-trap-handler");
    SandboxResult install =
        run.step(
            "Installing dependencies",
            10,
            "npm",
            List.of("npm", "install", "--no-audit", "--no-fund", "--no-update-notifier"),
            environment,
            true);
    String note = null;
    if (install.outcome() == SandboxResult.Outcome.NOT_FOUND) {
      note = "npm not found on " + pathNote();
    } else if (!install.succeeded()) {
      note = "npm install failed (" + describe(install) + ")";
    }
    Path junit = run.own().resolve("reports/junit.xml");
    Path spec = run.own().resolve("reports/spec.txt");
    SandboxResult test =
        run.step(
            "Running tests",
            50,
            "node",
            List.of(
                "node",
                "--test",
                "--experimental-test-coverage",
                "--test-reporter=spec",
                "--test-reporter-destination=stdout",
                "--test-reporter=spec",
                "--test-reporter-destination=" + spec,
                "--test-reporter=junit",
                "--test-reporter-destination=" + junit),
            environment,
            false);
    if (test.outcome() == SandboxResult.Outcome.NOT_FOUND) {
      return run.report("node", List.of(), null, note == null, note);
    }
    String specText = TestReports.read(spec);
    Double coverage = specText == null ? null : TestReports.nodeCoverage(specText);
    return run.report(
        "node", TestReports.junit(List.of(junit), false), coverage, note == null, note);
  }

  // -------------------------------------------------------------------------------------- Python

  /**
   * Prints each requirement with what is installed, and writes a JSON summary: whether pytest and
   * coverage are importable and which requirements are not satisfied.
   */
  private static final String PYTHON_CHECK =
      String.join(
          "\n",
          "import glob, importlib.util, json, re, sys",
          "import importlib.metadata as md",
          "try:",
          "    from packaging.requirements import Requirement",
          "except ImportError:",
          "    Requirement = None",
          "specs = []",
          "for path in sorted(glob.glob('requirements*.txt')):",
          "    for line in open(path, encoding='utf-8'):",
          "        line = line.split('#', 1)[0].strip()",
          "        if line and not line.startswith('-'):",
          "            specs.append(line)",
          "try:",
          "    import tomllib",
          "    with open('pyproject.toml', 'rb') as h:",
          "        specs += tomllib.load(h).get('project', {}).get('dependencies', [])",
          "except (ImportError, OSError):",
          "    pass",
          "unsatisfied = []",
          "for spec in dict.fromkeys(specs):",
          "    name = re.match(r'[A-Za-z0-9][A-Za-z0-9._-]*', spec)",
          "    if not name:",
          "        continue",
          "    try:",
          "        version = md.version(name.group(0))",
          "    except md.PackageNotFoundError:",
          "        print(f'{spec}: not installed')",
          "        unsatisfied.append(f'{spec} (not installed)')",
          "        continue",
          "    ok = True",
          "    if Requirement is not None:",
          "        try:",
          "            ok = Requirement(spec).specifier.contains(version, prereleases=True)",
          "        except Exception:",
          "            ok = True",
          "    print(f'{spec}: {version} installed' + ('' if ok else ', does not satisfy'))",
          "    if not ok:",
          "        unsatisfied.append(f'{spec} ({version} installed)')",
          "found = {m: importlib.util.find_spec(m) is not None for m in ('pytest', 'coverage')}",
          "print(f'python {sys.version.split()[0]} at {sys.executable}; pytest: {found[\"pytest\"]},'",
          "      f' coverage: {found[\"coverage\"]}')",
          "with open(sys.argv[1], 'w', encoding='utf-8') as out:",
          "    json.dump({'unsatisfied': unsatisfied, **found}, out)");

  private BuildReport python(Run run) {
    Map<String, String> environment = run.environment();
    environment.put("PYTHONDONTWRITEBYTECODE", "1");
    environment.put("PYTHONHASHSEED", "0");
    environment.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    environment.put("PIP_NO_INPUT", "1");
    String python = settings.python();
    String installNote = null;
    if (settings.pipIndexUrl() != null) {
      Path venv = run.own().resolve("venv");
      SandboxResult created =
          run.step(
              "Creating a virtual environment",
              5,
              python,
              List.of(python, "-m", "venv", "--system-site-packages", venv.toString()),
              environment,
              false);
      if (created.outcome() == SandboxResult.Outcome.NOT_FOUND) {
        return run.report("python", List.of(), null, false, python + " not found on " + pathNote());
      }
      if (created.succeeded()) {
        python = venv.resolve("bin/python").toString();
        List<String> install =
            new ArrayList<>(
                List.of(python, "-m", "pip", "install", "--index-url", settings.pipIndexUrl()));
        for (String file : List.of("requirements.txt", "requirements-dev.txt")) {
          if (Files.isRegularFile(run.workspace.resolve(file))) {
            install.addAll(List.of("-r", file));
          }
        }
        if (Files.isRegularFile(run.workspace.resolve("pyproject.toml"))) {
          install.add(".");
        }
        SandboxResult installed =
            run.step("Installing dependencies", 15, "pip", install, environment, true);
        if (!installed.succeeded()) {
          installNote =
              "pip install from the configured index failed (" + describe(installed) + ")";
        }
      } else {
        installNote = "python3 -m venv failed (" + describe(created) + ")";
      }
    }
    Path check = run.own().resolve("reports/python-environment.json");
    SandboxResult checked =
        run.step(
            "Checking dependencies",
            30,
            settings.python(),
            List.of(python, "-I", "-c", PYTHON_CHECK, check.toString()),
            environment,
            false);
    if (checked.outcome() == SandboxResult.Outcome.NOT_FOUND) {
      return run.report("python", List.of(), null, false, python + " not found on " + pathNote());
    }
    String summary = TestReports.read(check);
    boolean hasPytest = summary != null && summary.contains("\"pytest\": true");
    boolean hasCoverage = summary != null && summary.contains("\"coverage\": true");
    List<String> unsatisfied = unsatisfied(summary);
    String note = installNote;
    if (!unsatisfied.isEmpty()) {
      String source =
          settings.pipIndexUrl() == null
              ? "the worker's own " + python + " (no BUILD_PIP_INDEX_URL configured)"
              : "the virtual environment";
      note =
          (note == null ? "" : note + "; ")
              + "requirements not satisfied by "
              + source
              + ": "
              + String.join(", ", unsatisfied)
              + "; the tests ran with what is installed";
    } else if (!checked.succeeded() && note == null) {
      note = "the dependency check failed (" + describe(checked) + ")";
    }
    if (!hasPytest) {
      run.missingTool("Running tests", "pytest", python + " has no pytest module", 60);
      return run.report("python", List.of(), null, false, note);
    }
    Path junit = run.own().resolve("reports/junit.xml");
    List<String> pytest =
        List.of(
            "-m",
            "pytest",
            "-v",
            "--color=no",
            "-p",
            "no:cacheprovider",
            "--junitxml=" + junit,
            "-o",
            "junit_family=xunit2");
    List<String> test = new ArrayList<>(List.of(python, "-B"));
    Path coverageData = run.own().resolve("reports/.coverage");
    if (hasCoverage) {
      environment.put("COVERAGE_FILE", coverageData.toString());
      test.addAll(
          List.of(
              "-m",
              "coverage",
              "run",
              "--source=.",
              "--omit=tests/*,test/*," + OWN_DIRECTORY + "/*"));
    } else {
      run.line("coverage.py is not installed: the tests run without coverage");
    }
    test.addAll(pytest);
    run.step("Running tests", 60, settings.python(), test, environment, false);
    Double coverage = null;
    if (hasCoverage && !hasPythonOutsideTests(run.workspace)) {
      // coverage.py measures the code outside the tests; with none it has no figure to give (and
      // `coverage json` would fail the build although every test passed)
      run.line("no Python code outside the tests: no coverage figure");
    } else if (hasCoverage) {
      Path json = run.own().resolve("reports/coverage.json");
      run.step(
          "Measuring coverage",
          90,
          settings.python(),
          List.of(python, "-m", "coverage", "json", "-o", json.toString()),
          environment,
          false);
      coverage = TestReports.coveragePy(json);
    }
    List<TestReports.TestCase> cases = TestReports.junit(List.of(junit), false);
    return run.report("python", cases, coverage, note == null, note);
  }

  /** Whether the project has Python files that coverage.py measures (outside the tests). */
  private static boolean hasPythonOutsideTests(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(f -> f.toString().endsWith(".py"))
          .map(f -> root.relativize(f).toString().replace('\\', '/'))
          .anyMatch(
              f ->
                  !f.startsWith("tests/")
                      && !f.startsWith("test/")
                      && !f.startsWith(OWN_DIRECTORY));
    } catch (IOException e) {
      return true; // let coverage.py say what it finds
    }
  }

  private static List<String> unsatisfied(String summary) {
    if (summary == null) {
      return List.of();
    }
    try {
      var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary);
      List<String> items = new ArrayList<>();
      node.path("unsatisfied").forEach(item -> items.add(item.asText()));
      return items;
    } catch (IOException e) {
      return List.of();
    }
  }

  // ------------------------------------------------------------------------------------- helpers

  private String pathNote() {
    return "PATH " + (settings.path().isBlank() ? "(empty)" : settings.path());
  }

  private static String describe(SandboxResult result) {
    return switch (result.outcome()) {
      case EXITED -> "exit code " + result.exitCode();
      case TIMED_OUT -> "timed out after " + result.elapsed().toSeconds() + " s";
      case NOT_FOUND -> "not found";
    };
  }

  private Path newLog() {
    try {
      Files.createDirectories(settings.logDirectory());
      return Files.createTempFile(settings.logDirectory(), "build-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a build log", e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** The state of one build: its steps so far and its log. */
  private final class Run {

    final Path workspace;
    final StepProgress progress;
    final Ticker ticker;
    final Path log;
    final List<BuildReport.Step> steps = new ArrayList<>();
    int number;

    Run(Path workspace, StepProgress progress, Ticker ticker, Path log) {
      this.workspace = workspace;
      this.progress = progress;
      this.ticker = ticker;
      this.log = log;
    }

    Path own() {
      Path own = workspace.resolve(OWN_DIRECTORY);
      try {
        Files.createDirectories(own.resolve("home"));
        Files.createDirectories(own.resolve("reports"));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create " + own, e);
      }
      return own;
    }

    /** A fresh environment: PATH, locale, a home and temp directory of the build's own. */
    Map<String, String> environment() {
      Path own = own();
      Map<String, String> environment = new LinkedHashMap<>();
      environment.put("PATH", settings.path());
      environment.put("LANG", "C.UTF-8");
      environment.put("HOME", own.resolve("home").toString());
      environment.put("TMPDIR", "/tmp");
      environment.put("CI", "true");
      return environment;
    }

    SandboxResult step(
        String name,
        int percent,
        String tool,
        List<String> argv,
        Map<String, String> environment,
        boolean network) {
      number++;
      progress.report(name, percent, String.join(" ", argv.subList(0, Math.min(argv.size(), 2))));
      header(
          "["
              + number
              + "] "
              + name
              + ": "
              + shown(argv)
              + " (network "
              + (network ? "on" : "off")
              + ")");
      SandboxResult result =
          sandbox.run(
              new SandboxCommand(argv, workspace, environment, network, settings.limits(), log),
              ticker);
      String outcome =
          switch (result.outcome()) {
            case EXITED -> "exited";
            case TIMED_OUT -> "timed_out";
            case NOT_FOUND -> "not_found";
          };
      steps.add(
          new BuildReport.Step(
              name,
              tool,
              result.succeeded(),
              outcome,
              result.exitCode(),
              result.elapsed().toMillis()));
      line(
          "<== "
              + name
              + ": "
              + (result.outcome() == SandboxResult.Outcome.NOT_FOUND
                  ? tool + " not found"
                  : describe(result))
              + " after "
              + millis(result.elapsed()));
      return result;
    }

    void missingTool(String name, String tool, String why, int percent) {
      progress.report(name, percent, tool + " not found");
      header("[" + (++number) + "] " + name + ": " + why);
      steps.add(new BuildReport.Step(name, tool, false, "not_found", -1, 0));
    }

    BuildReport report(
        String stack,
        List<TestReports.TestCase> cases,
        Double coverage,
        boolean dependenciesInstalled,
        String dependencyNote) {
      int passed = 0;
      int failed = 0;
      List<String> names = new ArrayList<>();
      StringBuilder listing = new StringBuilder();
      for (TestReports.TestCase testCase : cases) {
        switch (testCase.verdict()) {
          case PASSED -> passed++;
          case FAILED -> failed++;
          case SKIPPED -> {}
        }
        if (names.size() < MAX_TEST_NAMES) {
          names.add(testCase.name());
        }
        listing.append(testCase.verdict()).append("  ").append(testCase.name()).append('\n');
      }
      header(
          "Test report: "
              + passed
              + " passed, "
              + failed
              + " failed, coverage "
              + (coverage == null ? "not measured" : coverage + " % of lines"));
      if (!listing.isEmpty()) {
        append(listing.toString());
      }
      if (dependencyNote != null) {
        line("Dependencies: " + dependencyNote);
      }
      boolean stepsOk = steps.stream().allMatch(BuildReport.Step::succeeded);
      progress.report(
          "Build finished",
          100,
          (stepsOk && failed == 0 ? "succeeded" : "failed")
              + ": "
              + passed
              + " tests passed, "
              + failed
              + " failed");
      return new BuildReport(
          stack,
          steps,
          passed,
          failed,
          names,
          coverage,
          dependenciesInstalled,
          dependencyNote,
          log);
    }

    void header(String text) {
      append("==> " + text + "\n");
    }

    void line(String text) {
      append(text + "\n");
    }

    private void append(String text) {
      try {
        Files.writeString(
            log,
            text,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the build log", e);
      }
    }
  }

  /** The command line for the log's header, long arguments (inline scripts) shortened. */
  private static String shown(List<String> argv) {
    return argv.stream()
        .map(arg -> arg.replace('\n', ' '))
        .map(arg -> arg.length() > 80 ? arg.substring(0, 40) + "..." : arg)
        .collect(java.util.stream.Collectors.joining(" "));
  }

  private static String millis(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }
}
