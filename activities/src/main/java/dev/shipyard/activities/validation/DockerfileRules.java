package dev.shipyard.activities.validation;

import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.ProjectPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code dockerfile.rules:<file>} check per Dockerfile. The file is parsed as Docker does
 * (comments, line continuations, the {@code escape} directive), then:
 *
 * <ul>
 *   <li>blocking rules: the first instruction is FROM (only ARG may come before it); the final
 *       stage (or a stage it builds on) has CMD or ENTRYPOINT; no ENV or ARG sets a secret-named
 *       variable ({@link SecretScanner#SECRET_NAME}) to a literal that is not a placeholder;
 *   <li>non-blocking rules (a failure still fails the check, but does not block): every base image
 *       has a tag other than {@code latest} (or a digest; {@code scratch}, earlier stages and
 *       variables are fine); a web app (FastAPI, Flask, Django, Spring Boot, Express, Fastify, Koa,
 *       NestJS) EXPOSEs its port;
 *   <li>recommended only (noted in the message, never failing): a non-root USER in the final stage.
 * </ul>
 */
final class DockerfileRules {

  static final double WEIGHT = 2;

  private static final Set<String> WEB_FRAMEWORKS =
      Set.of(
          "fastapi",
          "flask",
          "django",
          "spring-boot",
          "spring",
          "express",
          "fastify",
          "koa",
          "nestjs");
  private static final Pattern ENV_PAIR =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_.-]*)=(\"[^\"]*\"|'[^']*'|\\S*)");

  private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z]+)\\s*=\\s*(\\S+)\\s*$");

  record Instruction(int line, String keyword, String arguments) {}

  private DockerfileRules() {}

  static List<CheckResult> check(Workspace workspace, ProjectPlan plan) {
    boolean webApp =
        plan != null
            && plan.framework() != null
            && WEB_FRAMEWORKS.contains(plan.framework().toLowerCase(Locale.ROOT));
    List<CheckResult> checks = new ArrayList<>();
    for (var entry : workspace.files().entrySet()) {
      if (FileKinds.isDockerfile(entry.getKey())) {
        checks.add(check(entry.getKey(), entry.getValue(), webApp));
      }
    }
    return checks;
  }

  static CheckResult check(String file, String content, boolean webApp) {
    List<Instruction> instructions = parse(content);
    List<String> blocking = new ArrayList<>();
    List<String> other = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<String> fixes = new ArrayList<>();

    Instruction first =
        instructions.stream().filter(i -> !i.keyword().equals("ARG")).findFirst().orElse(null);
    if (first == null) {
      blocking.add("no FROM instruction (the Dockerfile has no build stage)");
      fixes.add("start with FROM <image>:<tag>");
    } else if (!first.keyword().equals("FROM")) {
      blocking.add(
          "line "
              + first.line()
              + ": the first instruction is "
              + first.keyword()
              + ", not FROM (only ARG may come before FROM)");
      fixes.add("start with FROM <image>:<tag>");
    }

    // Stages: their names, and the instructions of each.
    Map<String, List<Instruction>> stagesByName = new HashMap<>();
    Map<String, String> baseOfStage = new HashMap<>();
    List<List<Instruction>> stages = new ArrayList<>();
    List<String> stageBases = new ArrayList<>();
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals("FROM")) {
        String[] words = stripFlags(instruction.arguments()).split("\\s+");
        String image = words.length > 0 ? words[0] : "";
        List<Instruction> stage = new ArrayList<>();
        stages.add(stage);
        stageBases.add(image.toLowerCase(Locale.ROOT));
        String problem = imageProblem(image, stagesByName.keySet());
        if (problem != null) {
          other.add("line " + instruction.line() + ": " + problem);
          fixes.add("pin base images to a version tag, e.g. python:3.12-slim");
        }
        if (words.length >= 3 && words[1].equalsIgnoreCase("AS")) {
          String name = words[2].toLowerCase(Locale.ROOT);
          stagesByName.put(name, stage);
          baseOfStage.put(name, image.toLowerCase(Locale.ROOT));
        }
      } else if (!stages.isEmpty()) {
        stages.get(stages.size() - 1).add(instruction);
      }
      if (instruction.keyword().equals("ENV") || instruction.keyword().equals("ARG")) {
        for (String name : secretVariables(instruction)) {
          blocking.add(
              "line "
                  + instruction.line()
                  + ": "
                  + instruction.keyword()
                  + " "
                  + name
                  + " bakes a secret into the image");
          fixes.add("pass " + name + " at run time (environment or secret), not in the Dockerfile");
        }
      }
    }

    if (!stages.isEmpty()) {
      // The final stage, plus the stages it builds FROM, for CMD/ENTRYPOINT and USER.
      List<Instruction> finalStage = new ArrayList<>(stages.get(stages.size() - 1));
      String base = stageBases.get(stageBases.size() - 1);
      Set<String> seen = new java.util.HashSet<>();
      while (stagesByName.containsKey(base) && seen.add(base)) {
        finalStage.addAll(0, stagesByName.get(base));
        base = baseOfStage.get(base);
      }
      boolean hasCommand =
          finalStage.stream()
              .anyMatch(i -> i.keyword().equals("CMD") || i.keyword().equals("ENTRYPOINT"));
      if (!hasCommand) {
        blocking.add(
            "no CMD or ENTRYPOINT in the final stage: the container does not start the app");
        fixes.add("add CMD [\"...\"] that starts the app");
      }
      String user =
          finalStage.stream()
              .filter(i -> i.keyword().equals("USER"))
              .reduce((a, b) -> b)
              .map(i -> i.arguments().strip())
              .orElse(null);
      if (user == null || user.equals("root") || user.startsWith("0") || user.startsWith("root:")) {
        notes.add("recommended: run as a non-root USER in the final stage");
      }
    }
    if (webApp && instructions.stream().noneMatch(i -> i.keyword().equals("EXPOSE"))) {
      other.add("no EXPOSE: the web app's port is not declared");
      fixes.add("add EXPOSE <port> for the port the app listens on");
    }

    String id = "dockerfile.rules:" + file;
    if (blocking.isEmpty() && other.isEmpty()) {
      String message = "follows the Dockerfile rules";
      if (!notes.isEmpty()) {
        message += "\n" + String.join("\n", notes);
      }
      return Checks.passed(id, "config", file, true, WEIGHT, message);
    }
    List<String> problems = new ArrayList<>(blocking);
    problems.addAll(other);
    problems.addAll(notes);
    return Checks.failed(
        id,
        "config",
        file,
        !blocking.isEmpty(),
        WEIGHT,
        file + ": " + String.join("\n", problems),
        "In " + file + ": " + String.join("; ", fixes.stream().distinct().toList()));
  }

  /** Why a FROM image is not pinned, or null. */
  private static String imageProblem(String image, Set<String> earlierStages) {
    String lower = image.toLowerCase(Locale.ROOT);
    if (lower.isEmpty()) {
      return "FROM names no image";
    }
    if (lower.equals("scratch") || earlierStages.contains(lower) || lower.contains("$")) {
      return null;
    }
    if (lower.contains("@sha256:")) {
      return null;
    }
    int slash = lower.lastIndexOf('/');
    int colon = lower.indexOf(':', slash + 1);
    if (colon < 0) {
      return "base image " + image + " has no tag (that means latest)";
    }
    if (lower.substring(colon + 1).equals("latest")) {
      return "base image " + image + " uses the latest tag";
    }
    return null;
  }

  private static String stripFlags(String arguments) {
    String rest = arguments.strip();
    while (rest.startsWith("--")) {
      int space = rest.indexOf(' ');
      rest = space < 0 ? "" : rest.substring(space + 1).strip();
    }
    return rest;
  }

  /** Secret-named ENV/ARG variables set to a literal that is no placeholder. */
  private static List<String> secretVariables(Instruction instruction) {
    String arguments = instruction.arguments().strip();
    List<String> names = new ArrayList<>();
    Map<String, String> pairs = new HashMap<>();
    if (arguments.contains("=")) {
      Matcher m = ENV_PAIR.matcher(arguments);
      while (m.find()) {
        pairs.put(m.group(1), unquote(m.group(2)));
      }
    } else if (instruction.keyword().equals("ENV")) {
      // Legacy form: ENV NAME value with spaces
      String[] parts = arguments.split("\\s+", 2);
      if (parts.length == 2) {
        pairs.put(parts[0], unquote(parts[1]));
      }
    }
    for (var pair : pairs.entrySet()) {
      String name = pair.getKey();
      String value = pair.getValue();
      if (SecretScanner.SECRET_NAME.matcher(name).matches()
          && !value.isEmpty()
          && !SecretScanner.isPlaceholderOrReference(value)) {
        names.add(name);
      }
    }
    names.sort(null);
    return names;
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && (value.startsWith("\"") && value.endsWith("\"")
            || value.startsWith("'") && value.endsWith("'"))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  /** Instructions with their first line, continuation lines joined, comments dropped. */
  static List<Instruction> parse(String content) {
    String[] lines = content.split("\\R", -1);
    char escape = '\\';
    int index = 0;
    // Parser directives: leading "# key=value" comments before anything else.
    while (index < lines.length) {
      Matcher directive = DIRECTIVE.matcher(lines[index]);
      if (!directive.matches()) {
        break;
      }
      if (directive.group(1).equalsIgnoreCase("escape") && directive.group(2).equals("`")) {
        escape = '`';
      }
      index++;
    }
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = null;
    int start = 0;
    for (; index < lines.length; index++) {
      String line = lines[index];
      String trimmed = line.strip();
      // Comments and empty lines are skipped, also inside a continued instruction (as Docker does).
      if (trimmed.startsWith("#") || trimmed.isEmpty()) {
        continue;
      }
      if (current == null) {
        current = new StringBuilder();
        start = index + 1;
      }
      if (trimmed.charAt(trimmed.length() - 1) == escape) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      add(instructions, start, current.toString());
      current = null;
    }
    if (current != null) {
      add(instructions, start, current.toString());
    }
    return instructions;
  }

  private static void add(List<Instruction> instructions, int line, String text) {
    String stripped = text.strip();
    if (stripped.isEmpty()) {
      return;
    }
    String[] parts = stripped.split("\\s+", 2);
    instructions.add(
        new Instruction(line, parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
  }
}
