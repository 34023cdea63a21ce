package dev.shipyard.activities.codegen.offline;

import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.UnsupportedRequestException;
import dev.shipyard.workflows.capsules.ProjectPlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a request's text and constraints into a {@link ProjectPlan}, by rules only. */
final class Planner {

  static final List<String> DATABASES = List.of("postgresql", "mysql", "sqlite", "none");

  private static final int MAX_ENTITIES = 4;

  private static final Pattern AUTH =
      Pattern.compile(
          "\\b(auth|authentication|authenticated|authorization|login|log in|logins|sign in|signin"
              + "|jwt|bearer|oauth2?|passwords?|access tokens?)\\b");

  private static final Pattern WORD = Pattern.compile("[^a-z0-9]+");

  /** Words that say nothing about what the project is about, left out of its name. */
  private static final Set<String> NAME_STOP_WORDS =
      Set.of(
          "a",
          "an",
          "the",
          "for",
          "with",
          "and",
          "or",
          "of",
          "to",
          "in",
          "on",
          "by",
          "from",
          "into",
          "that",
          "which",
          "who",
          "this",
          "it",
          "its",
          "create",
          "build",
          "make",
          "generate",
          "write",
          "develop",
          "implement",
          "design",
          "simple",
          "small",
          "basic",
          "new",
          "modern",
          "production",
          "ready",
          "microservice",
          "micro",
          "service",
          "services",
          "app",
          "application",
          "api",
          "apis",
          "rest",
          "restful",
          "backend",
          "back",
          "end",
          "server",
          "web",
          "http",
          "project",
          "system",
          "platform",
          "using",
          "use",
          "based",
          "python",
          "java",
          "javascript",
          "typescript",
          "node",
          "nodejs",
          "fastapi",
          "spring",
          "boot",
          "springboot",
          "express",
          "js",
          "me",
          "please",
          "i",
          "we",
          "need",
          "want",
          "some",
          "our",
          "my");

  /** Words before "management" that are not things to manage. */
  private static final Set<String> NOT_ENTITIES =
      Set.of(
          "access",
          "api",
          "build",
          "change",
          "configuration",
          "content",
          "data",
          "error",
          "identity",
          "memory",
          "performance",
          "quality",
          "release",
          "risk",
          "service",
          "session",
          "state",
          "time");

  private final StackCatalog stacks;

  Planner(StackCatalog stacks) {
    this.stacks = stacks;
  }

  ProjectPlan plan(GenerationSpec spec) {
    String description = Names.lower(spec.description());
    String text = description + "\n" + Names.lower(spec.requirements());
    Stack stack = stacks.resolve(spec.constraint("language"), spec.constraint("framework"), text);
    return new ProjectPlan(
        projectName(spec, description, text),
        stack.id(),
        stack.language(),
        stack.framework(),
        database(spec.constraint("database"), text),
        features(spec, text),
        entities(spec.constraint("entities"), text));
  }

  static String database(String constraint, String text) {
    if (constraint != null && !constraint.isBlank()) {
      return switch (constraint.trim().toLowerCase(Locale.ROOT)) {
        case "postgresql", "postgres", "pg", "pgsql" -> "postgresql";
        case "mysql", "mariadb" -> "mysql";
        case "sqlite", "sqlite3" -> "sqlite";
        case "none", "memory", "in-memory", "inmemory" -> "none";
        default ->
            throw new UnsupportedRequestException(
                "Unsupported database '"
                    + constraint
                    + "': the offline engine supports postgresql, mysql, sqlite or none");
      };
    }
    if (text.matches("(?s).*\\bpostgres(ql)?\\b.*")) {
      return "postgresql";
    }
    if (text.matches("(?s).*\\b(mysql|mariadb)\\b.*")) {
      return "mysql";
    }
    if (text.matches("(?s).*\\bsqlite3?\\b.*")) {
      return "sqlite";
    }
    return "none";
  }

  /**
   * {@code auth} when the text asks for it; {@code crud} always (every project serves its
   * entities); {@code docker}, {@code ci} and {@code tests} by default for production quality. A
   * boolean constraint of the same name ({@code "auth": "false"}) has the last word.
   */
  static List<String> features(GenerationSpec spec, String text) {
    List<String> features = new ArrayList<>();
    if (flag(spec, "auth", AUTH.matcher(text).find())) {
      features.add("auth");
    }
    features.add("crud");
    for (String feature : List.of("docker", "ci", "tests")) {
      if (flag(spec, feature, true)) {
        features.add(feature);
      }
    }
    return List.copyOf(features);
  }

  private static boolean flag(GenerationSpec spec, String name, boolean otherwise) {
    String value = spec.constraint(name);
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1", "required", "enabled" -> true;
      case "false", "no", "off", "0", "none", "disabled" -> false;
      default ->
          throw new UnsupportedRequestException(
              "Constraint '" + name + "' must be true or false, not '" + value + "'");
    };
  }

  /**
   * The entities a constraint lists ({@code "entities": "product, order"}), otherwise the catalog
   * nouns the text names, in order, and "X management" for any other usable noun X; {@code item}
   * when there are none.
   */
  static List<String> entities(String constraint, String text) {
    Set<String> found = new LinkedHashSet<>();
    if (constraint != null && !constraint.isBlank()) {
      for (String raw : constraint.split("[,\\s]+")) {
        String noun = Names.singular(raw.trim().toLowerCase(Locale.ROOT));
        if (noun.isEmpty()) {
          continue;
        }
        if (!EntityCatalog.isUsableName(noun)) {
          throw new UnsupportedRequestException(
              "Entity name '"
                  + raw.trim()
                  + "' is not usable: use lowercase letters and digits, starting with a letter,"
                  + " and no reserved word");
        }
        found.add(noun);
      }
    } else {
      List<String> words = Arrays.stream(WORD.split(text)).filter(w -> !w.isEmpty()).toList();
      for (int i = 0; i < words.size(); i++) {
        String word = words.get(i);
        String noun = Names.singular(word);
        boolean beforeManagement = i + 1 < words.size() && words.get(i + 1).equals("management");
        if (EntityCatalog.isKnown(noun)) {
          boolean plural = !noun.equals(word);
          if (plural || beforeManagement || !EntityCatalog.isAmbiguous(noun)) {
            found.add(noun);
          }
        } else if (beforeManagement
            && EntityCatalog.isUsableName(noun)
            && !NOT_ENTITIES.contains(noun)
            && !NAME_STOP_WORDS.contains(noun)) {
          found.add(noun);
        }
      }
    }
    List<String> entities = found.stream().limit(MAX_ENTITIES).toList();
    return entities.isEmpty() ? List.of(EntityCatalog.DEFAULT_ENTITY) : entities;
  }

  private static String projectName(GenerationSpec spec, String description, String text) {
    for (String key : List.of("project_name", "name")) {
      String value = spec.constraint(key);
      if (value != null && !value.isBlank()) {
        String slug = slug(List.of(WORD.split(value.toLowerCase(Locale.ROOT))));
        if (slug.isEmpty() || !Character.isLetter(slug.charAt(0))) {
          throw new UnsupportedRequestException(
              "Project name '" + value + "' must start with a letter");
        }
        return slug;
      }
    }
    List<String> words =
        Arrays.stream(WORD.split(description))
            .filter(w -> !w.isEmpty() && !NAME_STOP_WORDS.contains(w))
            .limit(3)
            .toList();
    if (words.isEmpty() || !Character.isLetter(words.get(0).charAt(0))) {
      words = List.of(entities(null, text).get(0));
    }
    String slug = slug(words);
    return slug.endsWith("-service") ? slug : slug + "-service";
  }

  private static String slug(List<String> words) {
    String slug = String.join("-", words.stream().filter(w -> !w.isEmpty()).toList());
    return slug.length() <= 40 ? slug : slug.substring(0, 40).replaceAll("-+$", "");
  }
}
