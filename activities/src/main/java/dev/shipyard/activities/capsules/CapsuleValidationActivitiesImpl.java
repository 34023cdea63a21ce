package dev.shipyard.activities.capsules;

import dev.shipyard.activities.storage.BlobStore;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.activities.validation.ProjectValidator;
import dev.shipyard.workflows.capsules.CapsuleValidationActivities;
import dev.shipyard.workflows.capsules.FileSet;
import dev.shipyard.workflows.capsules.GenerationRequest;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import dev.shipyard.workflows.capsules.ValidationSummary;
import java.util.function.Function;

/**
 * Validation by real checks, on the CPU task queue. The full report goes to object storage; the
 * workflow gets a bounded summary with its key.
 */
public class CapsuleValidationActivitiesImpl implements CapsuleValidationActivities {

  private final Function<String, ProjectValidator> validators;
  private final String defaultEngine;
  private final ProjectFiles files;
  private final ValidationReports reports;

  /**
   * @param validators the validator for an engine's output, by engine name
   * @param defaultEngine the engine of requests that name none
   */
  public CapsuleValidationActivitiesImpl(
      Function<String, ProjectValidator> validators, String defaultEngine, BlobStore blobs) {
    this.validators = validators;
    this.defaultEngine = defaultEngine;
    this.files = new ProjectFiles(blobs);
    this.reports = new ValidationReports(blobs);
  }

  @Override
  public ValidationSummary validate(GenerationRequest request, ProjectPlan plan, FileSet set) {
    return CapsuleSteps.run(
        "validating",
        () -> {
          ValidationReport report =
              validators
                  .apply(CapsuleEngineActivitiesImpl.engineName(request, defaultEngine))
                  .validate(plan, files.load(set), request.targetScore());
          return ValidationSummary.of(report, reports.save(report));
        });
  }
}
