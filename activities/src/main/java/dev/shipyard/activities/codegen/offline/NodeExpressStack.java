package dev.shipyard.activities.codegen.offline;

import dev.shipyard.activities.codegen.SourceFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Node.js 20 and Express 5: an entity module per resource (fields and rules), validated CRUD
 * services over in-memory repositories, a generic REST router, HS256 tokens and scrypt passwords
 * with {@code node:crypto}, and {@code node:test} tests. Everything but the Express wiring is plain
 * modules, so all tests but the HTTP one run without {@code npm install}.
 */
final class NodeExpressStack implements Stack {

  private static final String ID = "node-express";

  /** The tests that need {@code express} installed; every other test runs on Node alone. */
  static final Set<String> TESTS_NEEDING_DEPENDENCIES = Set.of("test/api.test.js");

  private final TemplateRenderer templates;

  NodeExpressStack(TemplateRenderer templates) {
    this.templates = templates;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String language() {
    return "javascript";
  }

  @Override
  public String framework() {
    return "express";
  }

  @Override
  public Set<String> languageNames() {
    return Set.of("javascript", "js", "node", "nodejs", "node.js");
  }

  @Override
  public Set<String> frameworkNames() {
    return Set.of("express", "expressjs", "express.js");
  }

  @Override
  public Pattern frameworkKeywords() {
    return Pattern.compile("\\bexpress(js|\\.js)?\\b");
  }

  @Override
  public Pattern languageKeywords() {
    return Pattern.compile("\\b(node(js|\\.js)?|javascript)\\b");
  }

  @Override
  public List<SourceFile> files(Blueprint blueprint) {
    Map<String, Object> context = context(blueprint);
    ProjectFiles files = new ProjectFiles(templates, ID);
    files
        .add("package.json", context)
        .add("src/app.js", context)
        .add("src/config.js", context)
        .add("src/errors.js", context)
        .add("src/repository.js", context)
        .add("src/server.js", context)
        .add("src/validation.js", context)
        .add("src/routes/crud.js", context)
        .add("src/services/crudService.js", context)
        .add("src/services/index.js", context)
        .add(".env.example", "env.example", context)
        .add(".gitignore", "gitignore", context)
        .add("README.md", context);
    boolean tests = blueprint.plan().has("tests");
    for (Map<String, Object> entity : entities(context)) {
      Map<String, Object> scope = new HashMap<>(context);
      scope.putAll(entity);
      files.add("src/entities/" + entity.get("name") + ".js", "src/entities/entity.js", scope);
      if (tests) {
        files.add("test/" + entity.get("plural") + ".test.js", "test/entity.test.js", scope);
      }
    }
    if (blueprint.auth()) {
      for (String module : List.of("accounts", "middleware", "passwords", "tokens")) {
        files.add("src/auth/" + module + ".js", context);
      }
      files.add("src/routes/auth.js", context);
    }
    if (tests) {
      files.add("test/repository.test.js", context).add("test/api.test.js", context);
      if (blueprint.auth()) {
        files.add("test/tokens.test.js", context).add("test/accounts.test.js", context);
      }
    }
    if (blueprint.plan().has("docker")) {
      files.add("Dockerfile", context).add(".dockerignore", "dockerignore", context);
    }
    if (blueprint.plan().has("ci")) {
      files.add(".github/workflows/ci.yml", "ci.yml", context);
    }
    return files.list();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> entities(Map<String, Object> context) {
    return (List<Map<String, Object>>) context.get("entities");
  }

  private static Map<String, Object> context(Blueprint blueprint) {
    Map<String, Object> context = blueprint.context();
    context.put("firstPlural", blueprint.entities().get(0).plural());
    context.put("storage", storage(blueprint.plan().database()));
    List<Map<String, Object>> entities = new ArrayList<>();
    for (Entity entity : blueprint.entities()) {
      Map<String, Object> e = Blueprint.entityContext(entity);
      e.put("constantName", entity.name().toUpperCase(Locale.ROOT));
      e.put("hasUnique", !entity.uniqueFields().isEmpty());
      e.put(
          "uniqueList",
          entity.uniqueFields().stream()
              .map(f -> "'" + Names.camel(f.name()) + "'")
              .collect(Collectors.joining(", ")));
      e.put("requiredCount", entity.fields().stream().filter(Field::required).count());
      e.put(
          "fields",
          entity.fields().stream()
              .map(f -> Map.<String, Object>of("camel", Names.camel(f.name()), "rule", rule(f)))
              .toList());
      String constant = entity.name().toUpperCase(Locale.ROOT);
      e.put("sample", sample(entity, 1, "const " + constant + " = "));
      e.put("updated", sample(entity, 2, "const " + constant + "_UPDATED = "));
      entities.add(e);
    }
    context.put("entities", entities);
    return context;
  }

  /** The validation rule of a field, as a JavaScript object literal. */
  static String rule(Field field) {
    return switch (field.type()) {
      case STRING, TEXT ->
          "{ type: 'string'"
              + (field.required() ? ", required: true" : "")
              + (field.minLength() > 1 ? ", minLength: " + field.minLength() : "")
              + ", maxLength: "
              + field.maxLength()
              + " }";
      case EMAIL -> "{ type: 'email', required: true, maxLength: " + field.maxLength() + " }";
      case DECIMAL -> "{ type: 'number', required: true, min: 0 }";
      case INTEGER -> "{ type: 'integer', min: 0, default: 0 }";
      case BOOLEAN -> "{ type: 'boolean', default: false }";
    };
  }

  /** A JavaScript object literal of valid values for every field, assigned after {@code prefix}. */
  static String sample(Entity entity, int variant, String prefix) {
    List<String> entries =
        entity.fields().stream()
            .map(f -> Names.camel(f.name()) + ": " + literal(f.sample(entity.name(), variant)))
            .toList();
    // The statement's semicolon follows the literal.
    return Blueprint.objectLiteral(entries, prefix + ";", "", "  ", "{ ", " }", true);
  }

  private static String literal(Object value) {
    if (value instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    return String.valueOf(value);
  }

  private static String storage(String database) {
    String memory = "records live in memory (`src/repository.js`) and are gone after a restart.";
    return "none".equals(database)
        ? memory
        : memory
            + " `MemoryRepository` is the seam for the requested "
            + database
            + " database: a class with the same methods (`create`, `get`, `findBy`, `findAll`,"
            + " `update`, `delete`) replaces it in `src/services/index.js`.";
  }
}
