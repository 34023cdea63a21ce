package dev.shipyard.activities.codegen.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipyard.activities.codegen.GenerationEngine;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.codegen.UnsupportedRequestException;
import dev.shipyard.outbound.OutboundBreakers;
import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generation engine backed by any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM,
 * Ollama, llama.cpp server). Each operation is one request with a structured-output schema; a
 * server that ignores the schema still works as long as its answer contains the JSON object (also
 * inside a {@code ```json} fence).
 *
 * <p>Failures: transient HTTP failures are retried inside the engine (see {@link LlmRetryPolicy});
 * an answer that is not what was asked for (not JSON, no files, unsafe paths, over the limits) is
 * asked for once more with the reason, then fails with a non-retryable {@link LlmException} of kind
 * {@link LlmException.Kind#INVALID_OUTPUT}. Requests the catalog cannot serve fail with
 * IllegalArgumentException.
 *
 * <p>Stateless and thread-safe; the API key lives only in the settings and the Authorization
 * header.
 */
public final class LlmEngine implements GenerationEngine {

  /** How many answers one operation may ask for: the first, plus one re-ask with the reason. */
  public static final int ANSWER_ATTEMPTS = 2;

  /** At most this many features and entities are kept from a plan. */
  static final int MAX_PLAN_ITEMS = 20;

  private static final Logger log = LoggerFactory.getLogger(LlmEngine.class);

  private final ChatClient client;

  /** An engine with default backoff and real sleeps, and breakers of its own. */
  public LlmEngine(LlmSettings settings) {
    this(settings, LlmRetryPolicy.DEFAULT, Sleeper.SYSTEM);
  }

  /** The worker's engine: default backoff, real sleeps, the worker's shared breakers. */
  public LlmEngine(LlmSettings settings, OutboundBreakers breakers) {
    this(settings, LlmRetryPolicy.DEFAULT, Sleeper.SYSTEM, breakers);
  }

  /** An engine with its own backoff and way of waiting (tests record instead of sleeping). */
  public LlmEngine(LlmSettings settings, LlmRetryPolicy retryPolicy, Sleeper sleeper) {
    this(settings, retryPolicy, sleeper, OutboundBreakers.withDefaults());
  }

  /** ... and the breakers its endpoint is guarded by. */
  public LlmEngine(
      LlmSettings settings,
      LlmRetryPolicy retryPolicy,
      Sleeper sleeper,
      OutboundBreakers breakers) {
    if (settings == null || retryPolicy == null || sleeper == null || breakers == null) {
      throw new IllegalArgumentException(
          "settings, retry policy, sleeper and breakers are required");
    }
    this.client = new ChatClient(settings, retryPolicy, sleeper, breakers);
  }

  @Override
  public String name() {
    return "llm";
  }

  /**
   * Asks the model for a plan, then makes it consistent: constraints ({@code stack}, {@code
   * language}, {@code framework}, {@code database}) override the model; language and framework
   * follow from the stack; names become slugs.
   *
   * @throws IllegalArgumentException without calling the model when a constraint names something
   *     unsupported or the constraints contradict each other; after the call when no constraint
   *     pins a stack and the model judges the request unsupported
   */
  @Override
  public ProjectPlan plan(GenerationSpec spec) {
    requireDescription(spec);
    var pinnedStack = Stacks.fromConstraints(spec);
    var pinnedDatabase = Stacks.databaseFromConstraints(spec);
    return ask(
        "plan",
        Prompts.planSystem(),
        Prompts.planUser(spec),
        Prompts.planFormat(client.json()),
        "stack",
        root -> {
          String proposed = text(root, "stack").toLowerCase(Locale.ROOT);
          Stacks.Stack stack;
          if (pinnedStack.isPresent()) {
            stack = pinnedStack.get();
          } else if (proposed.equals("unsupported")) {
            String reason = text(root, "unsupported_reason");
            throw new UnsupportedRequestException(
                "The request cannot be built with a supported stack ("
                    + Stacks.ids()
                    + ")"
                    + (reason.isBlank() ? "" : ": " + ModelOutput.clip(reason, 300)));
          } else {
            stack =
                Stacks.byId(proposed)
                    .orElseThrow(
                        () ->
                            new UnusableAnswer(
                                "stack "
                                    + ModelOutput.quote(proposed)
                                    + " is not one of "
                                    + Stacks.ids()));
          }
          String database;
          if (pinnedDatabase.isPresent()) {
            database = pinnedDatabase.get();
          } else {
            database = text(root, "database").toLowerCase(Locale.ROOT);
            if (database.isEmpty()) {
              database = "none";
            }
            if (!Stacks.DATABASES.contains(database)) {
              throw new UnusableAnswer(
                  "database "
                      + ModelOutput.quote(database)
                      + " is not one of "
                      + String.join(", ", Stacks.DATABASES));
            }
          }
          return new ProjectPlan(
              slug(text(root, "project_name"), spec),
              stack.id(),
              stack.language(),
              stack.framework(),
              database,
              names(root.get("features"), "-"),
              names(root.get("entities"), "_"));
        });
  }

  /** Asks for the complete project; at least one file. */
  @Override
  public List<SourceFile> generate(ProjectPlan plan, GenerationSpec spec) {
    requireDescription(spec);
    if (plan == null) {
      throw new IllegalArgumentException("A plan is required");
    }
    List<SourceFile> files =
        ask(
            "generate",
            Prompts.generateSystem(plan),
            Prompts.generateUser(plan, spec),
            Prompts.filesFormat(client.json()),
            "files",
            root -> ModelOutput.files(root, false));
    log.info("LLM generate: {} files for {} ({})", files.size(), plan.projectName(), plan.stack());
    return files;
  }

  /**
   * Sends the failed and not-run checks with the current files, and merges the answer: returned
   * files replace those with the same path or are added; the others stay. Without failed or not-run
   * checks there is nothing to fix and the model is not called.
   */
  @Override
  public List<SourceFile> refine(
      ProjectPlan plan, GenerationSpec spec, List<SourceFile> files, ValidationReport report) {
    requireDescription(spec);
    if (plan == null || files == null) {
      throw new IllegalArgumentException("A plan and the current files are required");
    }
    List<CheckResult> findings = Prompts.findings(report);
    if (findings.isEmpty()) {
      log.info("LLM refine: no failed or not-run checks, files unchanged");
      return List.copyOf(files);
    }
    return ask(
        "refine",
        Prompts.refineSystem(plan),
        Prompts.refineUser(plan, spec, files, findings),
        Prompts.filesFormat(client.json()),
        "files",
        root -> {
          List<SourceFile> changed = ModelOutput.files(root, true);
          Map<String, SourceFile> merged = new LinkedHashMap<>();
          files.forEach(f -> merged.put(f.path(), f));
          int added = 0;
          for (SourceFile f : changed) {
            if (merged.put(f.path(), f) == null) {
              added++;
            }
          }
          if (merged.size() > ModelOutput.MAX_FILES) {
            throw new UnusableAnswer(
                "the project would have "
                    + merged.size()
                    + " files; at most "
                    + ModelOutput.MAX_FILES
                    + " are accepted");
          }
          log.info(
              "LLM refine: {} files changed, {} added, {} kept ({} findings)",
              changed.size() - added,
              added,
              merged.size() - changed.size(),
              findings.size());
          return List.copyOf(merged.values());
        });
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read(JsonNode root) throws UnusableAnswer;
  }

  /**
   * One operation: ask, read the JSON object, and on an unusable answer ask once more with the
   * reason (up to {@link #ANSWER_ATTEMPTS} answers).
   */
  private <T> T ask(
      String operation,
      String system,
      String user,
      ObjectNode format,
      String key,
      Reader<T> reader) {
    List<ChatClient.Message> messages = new ArrayList<>();
    messages.add(new ChatClient.Message("system", system));
    messages.add(new ChatClient.Message("user", user));
    for (int attempt = 1; ; attempt++) {
      ChatClient.Answer answer = client.complete(operation, List.copyOf(messages), format);
      String reason;
      try {
        return reader.read(ModelOutput.jsonObject(answer.content(), key));
      } catch (UnusableAnswer e) {
        reason =
            client.redactor().apply(e.getMessage())
                + (answer.truncated()
                    ? " (the answer was cut off at the model's output limit: finish_reason length)"
                    : "");
      }
      if (attempt >= ANSWER_ATTEMPTS) {
        throw new LlmException(
            LlmException.Kind.INVALID_OUTPUT,
            "LLM "
                + operation
                + " answer unusable after "
                + attempt
                + " answers (not retryable): "
                + reason,
            200,
            attempt);
      }
      log.warn(
          "LLM {}: answer {} of {} unusable: {}; asking again",
          operation,
          attempt,
          ANSWER_ATTEMPTS,
          reason);
      if (messages.size() > 2) {
        messages.remove(messages.size() - 1);
      }
      messages.add(new ChatClient.Message("user", Prompts.reask(reason)));
    }
  }

  private static void requireDescription(GenerationSpec spec) {
    if (spec == null || spec.description() == null || spec.description().isBlank()) {
      throw new IllegalArgumentException("A description of the project is required");
    }
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node == null || node.isNull() ? "" : node.asText("").strip();
  }

  /** A slug of at most 50 characters, from the model's name or else the description. */
  static String slug(String name, GenerationSpec spec) {
    String slug = slugify(name);
    if (slug.isEmpty()) {
      slug = slugify(String.join("-", spec.description().strip().split("\\s+", 6)));
    }
    return slug.isEmpty() ? "generated-project" : slug;
  }

  private static String slugify(String s) {
    String slug =
        (s == null ? "" : s)
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-+|-+$", "");
    if (slug.length() > 50) {
      slug = slug.substring(0, 50).replaceAll("-+$", "");
    }
    return slug;
  }

  /** Lowercase names, words joined by {@code separator}, deduplicated, at most 20. */
  private static List<String> names(JsonNode array, String separator) {
    Set<String> out = new LinkedHashSet<>();
    if (array != null && array.isArray()) {
      for (JsonNode item : array) {
        String name =
            item.asText("")
                .toLowerCase(Locale.ROOT)
                .strip()
                .replaceAll("[^a-z0-9]+", separator)
                .replaceAll("^[-_]+|[-_]+$", "");
        if (!name.isEmpty() && name.length() <= 40) {
          out.add(name);
        }
        if (out.size() == MAX_PLAN_ITEMS) {
          break;
        }
      }
    }
    return List.copyOf(out);
  }
}
