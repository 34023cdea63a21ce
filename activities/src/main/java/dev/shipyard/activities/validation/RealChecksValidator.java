package dev.shipyard.activities.validation;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a generated project with real tools, in a fresh temporary directory deleted afterwards.
 *
 * <p>Checks, in report order (weight; blocking):
 *
 * <ul>
 *   <li>{@code python.compile:<file>} per .py file: python3 compiles it (3; yes);
 *   <li>{@code java.compile:<file>} per .java file: javac compiles all together against the {@link
 *       BundledJavacClasspath} (3; yes);
 *   <li>{@code javascript.syntax:<file>} per .js/.mjs/.cjs file: {@code node --check} (3; yes);
 *   <li>{@code yaml.parse:<file>} per .yml/.yaml file, GitHub workflows also need on and jobs (1;
 *       yes);
 *   <li>{@code json.parse:<file>} per .json file (1; yes);
 *   <li>{@code dockerfile.rules:<file>} per Dockerfile (2; yes for a missing FROM, CMD/ENTRYPOINT
 *       or a secret in ENV/ARG, no for an unpinned base image or a missing EXPOSE), see {@link
 *       DockerfileRules};
 *   <li>{@code structure.tests} (3; when the plan has tests), {@code structure.dockerfile} (2; yes,
 *       only when the plan has docker), {@code structure.ci} (2; yes, only when the plan has ci),
 *       {@code structure.readme} (1; no);
 *   <li>{@code security.secrets:<file>} per file (4 shared among all files; yes), see {@link
 *       SecretScanner};
 *   <li>{@code tests.run} (3; no), only when the generated tests can honestly run here: pytest in
 *       python3 with every required distribution installed, or {@code node --test} (node 18+) for
 *       tests using node:test with every package.json dependency present. Otherwise the check is
 *       left out rather than reported not-run, since no worker without the project's dependencies
 *       (and no network to fetch them) could ever run it.
 * </ul>
 *
 * <p>A check whose tool is missing (no python3, no node, no JDK compiler) is NOT_RUN: it counts in
 * the score's denominator but never as passed. Score = weight of PASSED / weight of all checks;
 * passed = no FAILED check; production-ready = score &ge; target and no FAILED blocking check;
 * issues = one line per FAILED or NOT_RUN check; recommendations = those of FAILED checks, then
 * those of NOT_RUN checks, or "Capsule meets quality targets" when there are none.
 *
 * <p>Thread-safe: one instance serves concurrent activity executions.
 */
public final class RealChecksValidator implements ProjectValidator {

  public static final String ALL_GOOD = "Capsule meets quality targets";

  private static final Logger log = LoggerFactory.getLogger(RealChecksValidator.class);

  private final Toolchains toolchains;
  private final PythonChecks python;
  private final JavaScriptChecks javascript;
  private final JavaChecks javaChecks;

  /** {@link Toolchains#defaults()} and the bundled javac classpath. */
  public RealChecksValidator() {
    this(Toolchains.defaults());
  }

  public RealChecksValidator(Toolchains toolchains) {
    this(toolchains, BundledJavacClasspath.fromResources());
  }

  public RealChecksValidator(Toolchains toolchains, BundledJavacClasspath javacClasspath) {
    this.toolchains = toolchains;
    ProcessRunner runner = new ProcessRunner(toolchains.processTimeout());
    this.python = new PythonChecks(toolchains.python(), runner);
    this.javascript = new JavaScriptChecks(toolchains.node(), runner);
    this.javaChecks = new JavaChecks(javacClasspath);
  }

  @Override
  public ValidationReport validate(ProjectPlan plan, List<SourceFile> files, double targetScore) {
    long started = System.nanoTime();
    ProjectPlan safePlan = withFeatures(plan);
    List<CheckResult> checks = new ArrayList<>();
    try (Workspace workspace = Workspace.create(files)) {
      checks.addAll(python.compile(workspace));
      checks.addAll(javaChecks.compile(workspace));
      checks.addAll(javascript.syntax(workspace));
      checks.addAll(ConfigChecks.yaml(workspace));
      checks.addAll(ConfigChecks.json(workspace));
      checks.addAll(DockerfileRules.check(workspace, safePlan));
      checks.addAll(StructureChecks.check(workspace, safePlan));
      checks.addAll(SecretScanner.scan(workspace));
      if (toolchains.runTests()) {
        addIfPresent(checks, python.runTests(workspace));
        addIfPresent(checks, javascript.runTests(workspace));
      }
    }
    ValidationReport report = report(checks, targetScore);
    log.info(
        "Validated {} ({} files): {} checks, score {}, passed {}, production-ready {} in {} ms",
        safePlan.projectName(),
        files.size(),
        checks.size(),
        String.format(java.util.Locale.ROOT, "%.3f", report.score()),
        report.passed(),
        report.productionReady(),
        (System.nanoTime() - started) / 1_000_000);
    return report;
  }

  private static void addIfPresent(List<CheckResult> checks, CheckResult check) {
    if (check != null) {
      checks.add(check);
    }
  }

  private static ProjectPlan withFeatures(ProjectPlan plan) {
    if (plan == null) {
      return new ProjectPlan(null, null, null, null, null, List.of(), List.of());
    }
    if (plan.features() == null || plan.entities() == null) {
      return new ProjectPlan(
          plan.projectName(),
          plan.stack(),
          plan.language(),
          plan.framework(),
          plan.database(),
          plan.features() == null ? List.of() : plan.features(),
          plan.entities() == null ? List.of() : plan.entities());
    }
    return plan;
  }

  /** The report of a list of checks, by the rules of {@link ValidationReport}. */
  static ValidationReport report(List<CheckResult> checks, double targetScore) {
    double total = 0;
    double passedWeight = 0;
    boolean anyFailed = false;
    boolean blockingFailed = false;
    List<String> issues = new ArrayList<>();
    Set<String> fromFailures = new LinkedHashSet<>();
    Set<String> fromNotRun = new LinkedHashSet<>();
    for (CheckResult check : checks) {
      total += check.weight();
      switch (check.status()) {
        case PASSED -> passedWeight += check.weight();
        case FAILED -> {
          anyFailed = true;
          blockingFailed |= check.blocking();
          issues.add(check.id() + ": " + Checks.firstLine(check.message()));
          if (check.recommendation() != null) {
            fromFailures.add(check.recommendation());
          }
        }
        case NOT_RUN -> {
          issues.add(check.id() + ": not run: " + Checks.firstLine(check.message()));
          if (check.recommendation() != null) {
            fromNotRun.add(check.recommendation());
          }
        }
      }
    }
    double score = total == 0 ? 0 : passedWeight / total;
    List<String> recommendations = new ArrayList<>(fromFailures);
    recommendations.addAll(fromNotRun);
    if (recommendations.isEmpty()) {
      recommendations.add(ALL_GOOD);
    }
    boolean productionReady = score >= targetScore && !blockingFailed;
    return new ValidationReport(
        score,
        !anyFailed,
        productionReady,
        List.copyOf(issues),
        List.copyOf(recommendations),
        List.copyOf(checks));
  }
}
