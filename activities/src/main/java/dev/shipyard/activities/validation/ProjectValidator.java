package dev.shipyard.activities.validation;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.util.List;

/**
 * Measures a generated project with real checks: compilers and parsers per language, structure
 * rules (tests, Dockerfile, CI as the plan demands), config parsing and a secret scan.
 */
public interface ProjectValidator {

  ValidationReport validate(ProjectPlan plan, List<SourceFile> files, double targetScore);
}
