package dev.shipyard.activities.codegen.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.CheckStatus;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The prompts and structured-output schemas of the engine. Prompts carry the caller's request, the
 * plan, files and validation findings; never settings, and so never the API key.
 */
final class Prompts {

  /** Previous files shown to the model when refining: at most this many characters in all. */
  static final int REFINE_FILES_BUDGET = 120_000;

  /** A file shown when refining is cut after this many characters. */
  static final int REFINE_FILE_MAX = 40_000;

  /** At most this many findings are listed; each message is clipped. */
  static final int MAX_FINDINGS = 60;

  static final int MAX_FINDING_CHARS = 1_500;

  private static final String FILE_RULES =
      """
      Answer with one JSON object and nothing else: {"files": [{"path": "...", "content": "..."}]}.
      Rules for files:
      - path: relative to the project root, forward slashes, no leading slash, no "..", nothing \
      under .git.
      - content: the complete text of the file. No placeholders, no "..." elisions, no "rest \
      unchanged" comments.
      - At most %d files, each under %d characters.
      - Never put secrets, passwords or API keys in files: read them from environment variables.
      """
          .formatted(ModelOutput.MAX_FILES, ModelOutput.MAX_FILE_CHARS);

  private Prompts() {}

  // ---- plan ----

  static String planSystem() {
    return """
        You plan small, production-quality backend services. Choose exactly one stack:
        - python-fastapi: Python 3, FastAPI, pytest (language python, framework fastapi)
        - java-spring-boot: Java 17, Spring Boot 3, Maven, JUnit 5 (language java, framework \
        spring-boot)
        - node-express: JavaScript on Node.js, Express (language javascript, framework express)
        If the request can only be built with another language or framework, answer stack \
        "unsupported" and say why in unsupported_reason; otherwise unsupported_reason is "".
        Constraints given by the user are binding.
        Answer with one JSON object and nothing else, with these fields:
        - project_name: a short lowercase slug, such as user-management-service
        - stack, language, framework: as above
        - database: postgresql, mysql, sqlite or none
        - features: lowercase flags, from auth, crud, docker, ci, tests, and others the request \
        needs (such as validation, pagination, logging)
        - entities: the domain entities to manage, singular and lowercase, such as user, order
        - unsupported_reason
        """;
  }

  static String planUser(GenerationSpec spec) {
    return request(spec);
  }

  static ObjectNode planFormat(ObjectMapper json) {
    ObjectNode schema = object(json);
    ObjectNode props = schema.putObject("properties");
    props.putObject("project_name").put("type", "string");
    ArrayNode stacks = props.putObject("stack").put("type", "string").putArray("enum");
    Stacks.ALL.forEach(s -> stacks.add(s.id()));
    stacks.add("unsupported");
    props.putObject("unsupported_reason").put("type", "string");
    props.putObject("language").put("type", "string");
    props.putObject("framework").put("type", "string");
    ArrayNode databases = props.putObject("database").put("type", "string").putArray("enum");
    Stacks.DATABASES.forEach(databases::add);
    stringArray(props.putObject("features"));
    stringArray(props.putObject("entities"));
    required(
        schema,
        "project_name",
        "stack",
        "unsupported_reason",
        "language",
        "framework",
        "database",
        "features",
        "entities");
    return format(json, "project_plan", schema);
  }

  // ---- generate ----

  static String generateSystem(ProjectPlan plan) {
    return """
        You are a senior software engineer. Write a complete, runnable project for the plan and \
        request you are given.
        %s
        Include:
        - %s
        - unit tests that pass, a README.md (how to run, test and configure), a .gitignore
        - a Dockerfile when the features include docker, a CI workflow \
        (.github/workflows/ci.yml) when they include ci
        - every planned feature and a CRUD API for every planned entity
        """
        .formatted(FILE_RULES, stackLayout(plan.stack()));
  }

  static String generateUser(ProjectPlan plan, GenerationSpec spec) {
    return request(spec) + "\n\n" + plan(plan);
  }

  static ObjectNode filesFormat(ObjectMapper json) {
    ObjectNode schema = object(json);
    ObjectNode files =
        schema.putObject("properties").putObject("files").put("type", "array").putObject("items");
    files.put("type", "object");
    ObjectNode fileProps = files.putObject("properties");
    fileProps.putObject("path").put("type", "string");
    fileProps.putObject("content").put("type", "string");
    required(files, "path", "content");
    files.put("additionalProperties", false);
    required(schema, "files");
    return format(json, "project_files", schema);
  }

  // ---- refine ----

  static String refineSystem(ProjectPlan plan) {
    return """
        You are a senior software engineer fixing a generated project so that its failed \
        validation checks pass. You get the request, the plan, the findings of validation and \
        the current files.
        %s
        Return ONLY the files you change or add, each with its complete new content; files you \
        do not return stay as they are. Fix every failed check; keep everything else working. A \
        check that could not run (not_run) may need a file it looks for. Never return a file you \
        were shown only in part unless you rewrite it entirely.
        Layout: %s
        """
        .formatted(FILE_RULES, stackLayout(plan.stack()));
  }

  static String refineUser(
      ProjectPlan plan, GenerationSpec spec, List<SourceFile> files, List<CheckResult> findings) {
    StringBuilder b = new StringBuilder();
    b.append(request(spec)).append("\n\n").append(plan(plan)).append("\n\n");
    b.append("Validation findings to fix (").append(findings.size()).append("):\n");
    int shown = 0;
    for (CheckResult c : findings) {
      if (shown++ == MAX_FINDINGS) {
        b.append("- ... and ").append(findings.size() - MAX_FINDINGS).append(" more\n");
        break;
      }
      b.append("- [")
          .append(c.status() == CheckStatus.NOT_RUN ? "not_run" : "failed")
          .append("] ")
          .append(c.id());
      if (c.file() != null) {
        b.append(" (file ").append(c.file()).append(")");
      }
      if (c.category() != null) {
        b.append(" category ").append(c.category());
      }
      if (c.blocking()) {
        b.append(", blocking");
      }
      b.append("\n  message: ").append(indent(clip(c.message(), MAX_FINDING_CHARS)));
      if (c.recommendation() != null && !c.recommendation().isBlank()) {
        b.append("\n  recommendation: ")
            .append(indent(clip(c.recommendation(), MAX_FINDING_CHARS)));
      }
      b.append('\n');
    }
    b.append("\n").append(currentFiles(files, findings));
    return b.toString();
  }

  /** The checks to feed back: failed and not run, failed first. */
  static List<CheckResult> findings(ValidationReport report) {
    if (report == null || report.checks() == null) {
      return List.of();
    }
    List<CheckResult> out = new ArrayList<>();
    report.checks().stream()
        .filter(c -> c != null && c.status() == CheckStatus.FAILED)
        .forEach(out::add);
    report.checks().stream()
        .filter(c -> c != null && c.status() == CheckStatus.NOT_RUN)
        .forEach(out::add);
    return out;
  }

  /**
   * The current files within {@link #REFINE_FILES_BUDGET} characters: first those named by findings
   * (cut after {@link #REFINE_FILE_MAX} characters, or what is left of the budget, and marked so),
   * then the others whole, smallest first, while they fit; the rest are listed by path only.
   */
  static String currentFiles(List<SourceFile> files, List<CheckResult> findings) {
    Set<String> named = new HashSet<>();
    for (CheckResult c : findings) {
      if (c.file() != null) {
        named.add(c.file());
      }
    }
    List<SourceFile> order = new ArrayList<>();
    files.stream().filter(f -> named.contains(f.path())).forEach(order::add);
    files.stream()
        .filter(f -> !named.contains(f.path()))
        .sorted(Comparator.comparingInt(f -> f.content().length()))
        .forEach(order::add);

    StringBuilder shown = new StringBuilder();
    Set<String> omitted = new LinkedHashSet<>();
    int budget = REFINE_FILES_BUDGET;
    for (SourceFile f : order) {
      String content = f.content();
      int length = content.length();
      int size;
      if (named.contains(f.path())) {
        // a file a finding names is shown, in part if it must be
        size = Math.min(length, Math.min(REFINE_FILE_MAX, budget));
        if (size == 0 && length > 0) {
          omitted.add(f.path());
          continue;
        }
      } else if (length > REFINE_FILE_MAX || length > budget) {
        // any other file only whole: a model must not rewrite a file it saw in part
        omitted.add(f.path());
        continue;
      } else {
        size = length;
      }
      boolean cut = size < length;
      budget -= size;
      shown
          .append("--- FILE ")
          .append(f.path())
          .append(
              cut ? " (shown in part: first " + size + " of " + content.length() + " chars)" : "")
          .append(" ---\n")
          .append(content, 0, size)
          .append(content.endsWith("\n") || cut ? "" : "\n")
          .append("--- END FILE ")
          .append(f.path())
          .append(" ---\n");
    }
    StringBuilder b = new StringBuilder("Current files (").append(files.size()).append("):\n");
    b.append(shown);
    if (!omitted.isEmpty()) {
      b.append("Other files, not shown (keep them unless a finding needs a change): ")
          .append(String.join(", ", omitted))
          .append('\n');
    }
    return b.toString();
  }

  // ---- shared ----

  static String reask(String reason) {
    return "Your previous answer could not be used: "
        + reason
        + ". Answer again with the complete JSON object only, following every rule.";
  }

  private static String request(GenerationSpec spec) {
    StringBuilder b = new StringBuilder("Request:\n");
    b.append(blankToNone(spec.description())).append("\n\nRequirements:\n");
    b.append(blankToNone(spec.requirements()));
    Map<String, String> constraints =
        spec.constraints() == null ? Map.of() : new TreeMap<>(spec.constraints());
    b.append("\n\nConstraints:");
    if (constraints.values().stream().allMatch(v -> v == null || v.isBlank())) {
      b.append(" (none)");
    }
    constraints.forEach(
        (k, v) -> {
          if (v != null && !v.isBlank()) {
            b.append("\n- ").append(k).append(": ").append(v);
          }
        });
    return b.toString();
  }

  private static String plan(ProjectPlan plan) {
    return "Plan:\n- project name: "
        + plan.projectName()
        + "\n- stack: "
        + plan.stack()
        + " (language "
        + plan.language()
        + ", framework "
        + plan.framework()
        + ")\n- database: "
        + plan.database()
        + "\n- features: "
        + join(plan.features())
        + "\n- entities: "
        + join(plan.entities());
  }

  private static String stackLayout(String stack) {
    return switch (Objects.requireNonNullElse(stack, "")) {
      case "python-fastapi" ->
          "Python 3.11+ and FastAPI: app/main.py (the FastAPI app), app/ modules, tests/ with"
              + " pytest (tests/test_*.py), requirements.txt with pinned versions";
      case "java-spring-boot" ->
          "Java 17 and Spring Boot 3 with Maven: pom.xml, src/main/java/<package>/...,"
              + " src/main/resources/application.yml, JUnit 5 tests in src/test/java";
      case "node-express" ->
          "Node.js 20 and Express: package.json (scripts start and test), src/app.js and"
              + " src/server.js, tests with node:test or jest in tests/";
      default -> "a conventional layout for " + stack;
    };
  }

  private static ObjectNode object(ObjectMapper json) {
    ObjectNode schema = json.createObjectNode();
    schema.put("type", "object");
    schema.put("additionalProperties", false);
    return schema;
  }

  private static void stringArray(ObjectNode node) {
    node.put("type", "array").putObject("items").put("type", "string");
  }

  private static void required(ObjectNode schema, String... names) {
    ArrayNode required = schema.putArray("required");
    for (String n : names) {
      required.add(n);
    }
  }

  private static ObjectNode format(ObjectMapper json, String name, ObjectNode schema) {
    ObjectNode format = json.createObjectNode();
    format.put("type", "json_schema");
    ObjectNode js = format.putObject("json_schema");
    js.put("name", name);
    js.put("strict", true);
    js.set("schema", schema);
    return format;
  }

  private static String join(List<String> items) {
    return items == null || items.isEmpty() ? "(none)" : String.join(", ", items);
  }

  private static String blankToNone(String s) {
    return s == null || s.isBlank() ? "(none)" : s.strip();
  }

  private static String clip(String s, int max) {
    if (s == null) {
      return "(no message)";
    }
    return s.length() <= max ? s : s.substring(0, max) + " ...[cut]";
  }

  private static String indent(String s) {
    return s.strip().replace("\n", "\n    ");
  }
}
