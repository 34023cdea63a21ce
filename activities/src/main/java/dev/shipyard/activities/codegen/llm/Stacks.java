package dev.shipyard.activities.codegen.llm;

import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.UnsupportedRequestException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The catalog stacks and the caller's constraints on them. Constraints are read deterministically
 * and always win over what a model proposes; an unsupported value fails at once with
 * IllegalArgumentException, before any call to the model.
 */
final class Stacks {

  record Stack(String id, String language, String framework) {}

  static final Stack PYTHON_FASTAPI = new Stack("python-fastapi", "python", "fastapi");
  static final Stack JAVA_SPRING_BOOT = new Stack("java-spring-boot", "java", "spring-boot");
  static final Stack NODE_EXPRESS = new Stack("node-express", "javascript", "express");
  static final List<Stack> ALL = List.of(PYTHON_FASTAPI, JAVA_SPRING_BOOT, NODE_EXPRESS);
  static final List<String> DATABASES = List.of("postgresql", "mysql", "sqlite", "none");

  private Stacks() {}

  static Optional<Stack> byId(String id) {
    return ALL.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** The stack the constraints pin ({@code stack}, {@code language}, {@code framework}), if any. */
  static Optional<Stack> fromConstraints(GenerationSpec spec) {
    String stackId = normalized(spec.constraint("stack"));
    String language = normalized(spec.constraint("language"));
    String framework = normalized(spec.constraint("framework"));

    Stack byStack = null;
    if (stackId != null) {
      byStack =
          byId(stackId)
              .orElseThrow(
                  () ->
                      new UnsupportedRequestException(
                          "Unsupported stack \"" + stackId + "\"; supported: " + ids()));
    }
    Stack byLanguage = null;
    if (language != null) {
      byLanguage =
          switch (language) {
            case "python", "py", "python3" -> PYTHON_FASTAPI;
            case "java" -> JAVA_SPRING_BOOT;
            case "javascript", "js", "node", "nodejs", "node.js" -> NODE_EXPRESS;
            default ->
                throw new UnsupportedRequestException(
                    "Unsupported language \""
                        + language
                        + "\"; supported: python, java, javascript");
          };
    }
    Stack byFramework = null;
    if (framework != null) {
      byFramework =
          switch (framework) {
            case "fastapi" -> PYTHON_FASTAPI;
            case "spring-boot", "spring boot", "springboot", "spring" -> JAVA_SPRING_BOOT;
            case "express", "expressjs", "express.js" -> NODE_EXPRESS;
            default ->
                throw new UnsupportedRequestException(
                    "Unsupported framework \""
                        + framework
                        + "\"; supported: fastapi, spring-boot, express");
          };
    }
    Stack chosen = null;
    for (Stack s : new Stack[] {byStack, byLanguage, byFramework}) {
      if (s == null) {
        continue;
      }
      if (chosen != null && chosen != s) {
        throw new UnsupportedRequestException(
            "Contradictory constraints: "
                + describe(stackId, language, framework)
                + " do not name one stack; supported: "
                + ids());
      }
      chosen = s;
    }
    return Optional.ofNullable(chosen);
  }

  /** The database the constraints pin, if any. */
  static Optional<String> databaseFromConstraints(GenerationSpec spec) {
    String database = normalized(spec.constraint("database"));
    if (database == null) {
      return Optional.empty();
    }
    return Optional.of(
        switch (database) {
          case "postgresql", "postgres", "pg" -> "postgresql";
          case "mysql" -> "mysql";
          case "sqlite", "sqlite3" -> "sqlite";
          case "none", "no", "nodb" -> "none";
          default ->
              throw new UnsupportedRequestException(
                  "Unsupported database \""
                      + database
                      + "\"; supported: postgresql, mysql, sqlite, none");
        });
  }

  static String ids() {
    return String.join(", ", ALL.stream().map(Stack::id).toList());
  }

  private static String describe(String stack, String language, String framework) {
    StringBuilder b = new StringBuilder();
    if (stack != null) {
      b.append("stack ").append(stack);
    }
    if (language != null) {
      b.append(b.length() == 0 ? "" : ", ").append("language ").append(language);
    }
    if (framework != null) {
      b.append(b.length() == 0 ? "" : ", ").append("framework ").append(framework);
    }
    return b.toString();
  }

  private static String normalized(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return value.strip().toLowerCase(Locale.ROOT);
  }
}
