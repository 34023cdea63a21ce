package dev.shipyard.activities.codegen;

import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.util.List;

/**
 * Turns a request into a project, and a project plus its validation findings into a better one.
 * Implementations: the offline engine (templates and rules, no network; the default) and the LLM
 * engine (any OpenAI-compatible endpoint). Engines are stateless and deterministic for a given
 * input where they can be, so activity retries are harmless.
 */
public interface GenerationEngine {

  /** The engine's name in configuration and results: {@code offline} or {@code llm}. */
  String name();

  /**
   * Decides stack, features and entities; fails with IllegalArgumentException for impossible
   * requests.
   */
  ProjectPlan plan(GenerationSpec spec);

  /** The complete first version of the project. */
  List<SourceFile> generate(ProjectPlan plan, GenerationSpec spec);

  /**
   * The next version: {@code files} improved so that the failed checks of {@code report} pass.
   * Files not mentioned by a failure should stay as they are.
   */
  List<SourceFile> refine(
      ProjectPlan plan, GenerationSpec spec, List<SourceFile> files, ValidationReport report);
}
