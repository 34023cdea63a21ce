package dev.shipyard.activities.capsules;

import dev.shipyard.activities.codegen.GenerationEngine;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.storage.BlobStore;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.workflows.capsules.CapsuleEngineActivities;
import dev.shipyard.workflows.capsules.FileSet;
import dev.shipyard.workflows.capsules.GenerationFailure;
import dev.shipyard.workflows.capsules.GenerationRequest;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine steps: engines work on files loaded from object storage; only references go back to
 * the workflow.
 */
public class CapsuleEngineActivitiesImpl implements CapsuleEngineActivities {

  private final Map<String, GenerationEngine> engines = new LinkedHashMap<>();
  private final String defaultEngine;
  private final ProjectFiles files;
  private final ValidationReports reports;

  public CapsuleEngineActivitiesImpl(
      List<GenerationEngine> engines, String defaultEngine, BlobStore blobs) {
    engines.forEach(e -> this.engines.put(e.name(), e));
    this.defaultEngine = defaultEngine;
    this.files = new ProjectFiles(blobs);
    this.reports = new ValidationReports(blobs);
  }

  @Override
  public ProjectPlan plan(GenerationRequest request) {
    return CapsuleSteps.run("planning", () -> engine(request).plan(spec(request)));
  }

  @Override
  public FileSet generate(GenerationRequest request, ProjectPlan plan) {
    return CapsuleSteps.run(
        "generating", () -> files.save(engine(request).generate(plan, spec(request))).bounded());
  }

  @Override
  public FileSet refine(
      GenerationRequest request, ProjectPlan plan, FileSet set, ValidationSummary report) {
    return CapsuleSteps.run(
        "refining",
        () ->
            files
                .save(
                    engine(request)
                        .refine(
                            plan, spec(request), files.load(set), reports.load(report.reportKey())))
                .bounded());
  }

  private GenerationEngine engine(GenerationRequest request) {
    String name = engineName(request, defaultEngine);
    GenerationEngine engine = engines.get(name);
    if (engine == null) {
      throw CapsuleFailures.of(
          GenerationFailure.ENGINE_UNAVAILABLE,
          "Generation engine '" + name + "' is not available here; available: " + engines.keySet());
    }
    return engine;
  }

  static String engineName(GenerationRequest request, String defaultEngine) {
    return request.engine() == null ? defaultEngine : request.engine();
  }

  static GenerationSpec spec(GenerationRequest request) {
    return new GenerationSpec(
        request.description(),
        request.requirements() == null ? "" : request.requirements(),
        request.constraints() == null ? Map.of() : request.constraints());
  }
}
