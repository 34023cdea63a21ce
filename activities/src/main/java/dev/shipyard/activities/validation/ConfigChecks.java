package dev.shipyard.activities.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.workflows.capsules.CheckResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Configuration files: every YAML file parsed by SnakeYAML (all documents, safe constructor,
 * duplicate keys refused), GitHub Actions workflows also checked for {@code on} and {@code jobs}
 * (each job with {@code runs-on} and {@code steps}, or {@code uses}); every JSON file parsed by
 * Jackson (duplicate keys and trailing content refused; comments allowed only in tsconfig, jsconfig,
 * .vscode and .devcontainer files, as their tools allow).
 *
 * <p>YAML files under a {@code templates/} folder that contain {@code {{} are Helm or other
 * templates, not YAML until rendered, and are left out.
 */
final class ConfigChecks {

  static final double WEIGHT = 1;

  private static final ObjectMapper STRICT_JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ObjectMapper LENIENT_JSON =
      STRICT_JSON
          .copy()
          .enable(JsonParser.Feature.ALLOW_COMMENTS)
          .enable(
              com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_TRAILING_COMMA.mappedFeature());

  private ConfigChecks() {}

  static List<CheckResult> yaml(Workspace workspace) {
    List<CheckResult> checks = new ArrayList<>();
    for (var entry : workspace.files().entrySet()) {
      String file = entry.getKey();
      if (!FileKinds.isYaml(file) || isTemplate(file, entry.getValue())) {
        continue;
      }
      String id = "yaml.parse:" + file;
      List<Object> documents = new ArrayList<>();
      try {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        for (Object document : new Yaml(new SafeConstructor(options)).loadAll(entry.getValue())) {
          documents.add(document);
        }
      } catch (YAMLException e) {
        checks.add(
            Checks.failed(
                id,
                "config",
                file,
                true,
                WEIGHT,
                describe(file, e),
                "Fix the YAML syntax of " + file));
        continue;
      }
      if (FileKinds.isGithubWorkflow(file)) {
        String problem = workflowProblem(documents);
        if (problem != null) {
          checks.add(
              Checks.failed(
                  id,
                  "config",
                  file,
                  true,
                  WEIGHT,
                  file + ": " + problem,
                  "Make " + file + " a complete GitHub Actions workflow (on, jobs, steps)"));
          continue;
        }
      }
      checks.add(Checks.passed(id, "config", file, true, WEIGHT, "parses as YAML"));
    }
    return checks;
  }

  /** {@code file:line:column: problem}, then SnakeYAML's full report naming the file. */
  private static String describe(String file, YAMLException e) {
    String full = e.getMessage().replace("'reader'", file).replace("'string'", file);
    if (e instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      Mark mark = marked.getProblemMark();
      return file
          + ":"
          + (mark.getLine() + 1)
          + ":"
          + (mark.getColumn() + 1)
          + ": "
          + marked.getProblem()
          + "\n"
          + full;
    }
    return file + ": " + full;
  }

  private static boolean isTemplate(String file, String content) {
    return (file.startsWith("templates/") || file.contains("/templates/"))
        && content.contains("{{");
  }

  /** What makes a parsed workflow unusable to GitHub Actions, or null. */
  private static String workflowProblem(List<Object> documents) {
    if (documents.isEmpty() || !(documents.get(0) instanceof Map<?, ?> workflow)) {
      return "a workflow must be a mapping with 'on' and 'jobs'";
    }
    // YAML 1.1 (SnakeYAML) reads the bare key `on` as the boolean true.
    if (!workflow.containsKey("on") && !workflow.containsKey(Boolean.TRUE)) {
      return "the workflow has no 'on' (its triggers)";
    }
    if (!(workflow.get("jobs") instanceof Map<?, ?> jobs) || jobs.isEmpty()) {
      return "the workflow has no 'jobs'";
    }
    for (var job : jobs.entrySet()) {
      if (!(job.getValue() instanceof Map<?, ?> definition)) {
        return "job '" + job.getKey() + "' is not a mapping";
      }
      if (definition.containsKey("uses")) {
        continue;
      }
      if (!definition.containsKey("runs-on")) {
        return "job '" + job.getKey() + "' has no 'runs-on'";
      }
      if (!(definition.get("steps") instanceof List<?> steps) || steps.isEmpty()) {
        return "job '" + job.getKey() + "' has no 'steps'";
      }
    }
    return null;
  }

  static List<CheckResult> json(Workspace workspace) {
    List<CheckResult> checks = new ArrayList<>();
    for (var entry : workspace.files().entrySet()) {
      String file = entry.getKey();
      if (!FileKinds.isJson(file)) {
        continue;
      }
      String id = "json.parse:" + file;
      ObjectMapper mapper = allowsComments(file) ? LENIENT_JSON : STRICT_JSON;
      try {
        if (mapper.readTree(entry.getValue()).isMissingNode()) {
          checks.add(
              Checks.failed(
                  id,
                  "config",
                  file,
                  true,
                  WEIGHT,
                  file + ": no JSON value (the file is empty)",
                  "Write the JSON content of " + file));
          continue;
        }
        checks.add(Checks.passed(id, "config", file, true, WEIGHT, "parses as JSON"));
      } catch (JsonProcessingException e) {
        String where =
            e.getLocation() == null
                ? ""
                : ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
        checks.add(
            Checks.failed(
                id,
                "config",
                file,
                true,
                WEIGHT,
                file + where + ": " + e.getOriginalMessage(),
                "Fix the JSON syntax of " + file));
      }
    }
    return checks;
  }

  private static boolean allowsComments(String file) {
    String name = FileKinds.fileName(file);
    return name.startsWith("tsconfig")
        || name.startsWith("jsconfig")
        || file.startsWith(".vscode/")
        || file.startsWith(".devcontainer/");
  }
}
