package dev.shipyard.activities.codegen.offline;

import dev.shipyard.activities.codegen.GenerationEngine;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.codegen.UnsupportedRequestException;
import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.CheckStatus;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The generation engine that needs no network: rules read the request into a plan, templates turn
 * the plan into a complete project (Python/FastAPI, Java/Spring Boot or Node.js/Express), and
 * repairs put the template version back wherever a validation check failed. The same input always
 * gives the same output.
 *
 * <pre>{@code
 * GenerationEngine engine = new OfflineEngine();
 * ProjectPlan plan = engine.plan(spec);
 * List<SourceFile> files = engine.generate(plan, spec);
 * }</pre>
 */
public final class OfflineEngine implements GenerationEngine {

  private final StackCatalog stacks;
  private final Planner planner;

  /** The engine with the standard stacks. */
  public OfflineEngine() {
    this(StackCatalog.standard());
  }

  OfflineEngine(StackCatalog stacks) {
    this.stacks = stacks;
    this.planner = new Planner(stacks);
  }

  /** The engine's name in configuration ({@code CODEGEN_ENGINE=offline}). */
  public static final String NAME = "offline";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProjectPlan plan(GenerationSpec spec) {
    return planner.plan(spec);
  }

  @Override
  public List<SourceFile> generate(ProjectPlan plan, GenerationSpec spec) {
    Stack stack = stacks.byId(plan.stack());
    if (plan.entities().isEmpty()) {
      throw new UnsupportedRequestException("The plan names no entity");
    }
    for (String entity : plan.entities()) {
      if (!EntityCatalog.isUsableName(entity)) {
        throw new UnsupportedRequestException(
            "Entity name '" + entity + "' is not usable in generated code");
      }
    }
    return stack.files(Blueprint.of(plan, spec.description()));
  }

  /**
   * Puts back the template version of every file a failed check names (and drops a failing file the
   * templates do not have), adds the files a failed project-wide check misses (tests, Dockerfile,
   * CI workflow, README; the matching feature is added to the plan for that), and leaves every
   * other file as it is.
   */
  @Override
  public List<SourceFile> refine(
      ProjectPlan plan, GenerationSpec spec, List<SourceFile> files, ValidationReport report) {
    List<CheckResult> failed =
        report.checks().stream().filter(c -> c.status() == CheckStatus.FAILED).toList();
    Map<String, SourceFile> current = new LinkedHashMap<>();
    files.forEach(file -> current.put(file.path(), file));
    Map<String, SourceFile> templates = new LinkedHashMap<>();
    generate(withDemandedFeatures(plan, failed), spec)
        .forEach(file -> templates.put(file.path(), file));

    for (CheckResult check : failed) {
      if (check.file() != null && !check.file().isBlank()) {
        SourceFile template = templates.get(check.file());
        if (template != null) {
          current.put(check.file(), template);
        } else {
          current.remove(check.file());
        }
      } else {
        Predicate<String> missing = missingFilesFor(check.id());
        templates.values().stream()
            .filter(file -> !current.containsKey(file.path()) && missing.test(file.path()))
            .forEach(file -> current.put(file.path(), file));
      }
    }
    return current.values().stream().sorted(Comparator.comparing(SourceFile::path)).toList();
  }

  /** The plan plus the features that failed structure checks ask for. */
  private static ProjectPlan withDemandedFeatures(ProjectPlan plan, List<CheckResult> failed) {
    List<String> features = new ArrayList<>(plan.features());
    for (CheckResult check : failed) {
      String feature =
          switch (check.id()) {
            case "structure.tests" -> "tests";
            case "structure.dockerfile" -> "docker";
            case "structure.ci" -> "ci";
            default -> null;
          };
      if (feature != null && !features.contains(feature)) {
        features.add(feature);
      }
    }
    return new ProjectPlan(
        plan.projectName(),
        plan.stack(),
        plan.language(),
        plan.framework(),
        plan.database(),
        List.copyOf(features),
        plan.entities());
  }

  /** Which template files a failed project-wide check is about; every file for unknown checks. */
  private static Predicate<String> missingFilesFor(String checkId) {
    return switch (checkId) {
      case "structure.tests" -> OfflineEngine::isTest;
      case "structure.dockerfile" ->
          path -> path.equals("Dockerfile") || path.equals(".dockerignore");
      case "structure.ci" -> path -> path.startsWith(".github/");
      case "structure.readme" -> path -> path.equals("README.md");
      default -> path -> true;
    };
  }

  static boolean isTest(String path) {
    return path.startsWith("tests/") || path.startsWith("test/") || path.startsWith("src/test/");
  }
}
