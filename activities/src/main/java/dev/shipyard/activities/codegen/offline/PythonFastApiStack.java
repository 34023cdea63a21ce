package dev.shipyard.activities.codegen.offline;

import dev.shipyard.activities.codegen.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Python 3.12 and FastAPI: an application factory, Pydantic models, one router per entity over a
 * thread-safe in-memory repository, standard-library password hashing and HS256 tokens, unittest
 * tests (the API ones through TestClient), pip requirements, Docker and GitHub Actions.
 */
final class PythonFastApiStack implements Stack {

  private static final String ID = "python-fastapi";

  private final TemplateRenderer templates;

  PythonFastApiStack(TemplateRenderer templates) {
    this.templates = templates;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String language() {
    return "python";
  }

  @Override
  public String framework() {
    return "fastapi";
  }

  @Override
  public Set<String> languageNames() {
    return Set.of("python", "python3", "py");
  }

  @Override
  public Set<String> frameworkNames() {
    return Set.of("fastapi", "fast-api", "fast api");
  }

  @Override
  public Pattern frameworkKeywords() {
    return Pattern.compile("\\bfast[- ]?api\\b");
  }

  @Override
  public Pattern languageKeywords() {
    return Pattern.compile("\\bpython3?\\b");
  }

  @Override
  public List<SourceFile> files(Blueprint blueprint) {
    Map<String, Object> context = context(blueprint);
    ProjectFiles files = new ProjectFiles(templates, ID);
    files
        .add("app/__init__.py", context)
        .add("app/main.py", context)
        .add("app/models.py", context)
        .add("app/repository.py", context)
        .add("app/routers/__init__.py", context)
        .add("requirements.txt", context)
        .add("requirements-dev.txt", context)
        .add(".env.example", "env.example", context)
        .add(".gitignore", "gitignore", context)
        .add("README.md", context);
    for (Map<String, Object> entity : entities(context)) {
      Map<String, Object> scope = new java.util.HashMap<>(context);
      scope.putAll(entity);
      files.add("app/routers/" + entity.get("plural") + ".py", "app/routers/entity.py", scope);
    }
    if (blueprint.auth()) {
      files
          .add("app/config.py", context)
          .add("app/security.py", context)
          .add("app/auth.py", context);
    }
    if (blueprint.plan().has("tests")) {
      files
          .add("tests/__init__.py", context)
          .add("tests/test_repository.py", context)
          .add("tests/test_api.py", context);
      if (blueprint.auth()) {
        files.add("tests/test_security.py", context);
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
    List<Map<String, Object>> entities = new ArrayList<>();
    for (Entity entity : blueprint.entities()) {
      Map<String, Object> e = Blueprint.entityContext(entity);
      e.put("idPath", "{" + entity.name() + "_id}");
      e.put("constantName", entity.name().toUpperCase(Locale.ROOT));
      e.put("hasUnique", !entity.uniqueFields().isEmpty());
      e.put(
          "repository",
          entity.uniqueFields().isEmpty()
              ? "InMemoryRepository()"
              : "InMemoryRepository(unique=("
                  + entity.uniqueFields().stream()
                      .map(f -> "\"" + f.name() + "\"")
                      .collect(Collectors.joining(", "))
                  + (entity.uniqueFields().size() == 1 ? ",))" : "))"));
      e.put("sample", sample(entity, 1));
      e.put("updated", sample(entity, 2));
      e.put(
          "fields",
          entity.fields().stream()
              .map(f -> Map.<String, Object>of("name", f.name(), "declaration", declaration(f)))
              .toList());
      entities.add(e);
    }
    context.put("entities", entities);
    context.put(
        "routerModules",
        blueprint.entities().stream().map(Entity::plural).collect(Collectors.joining(", ")));
    context.put("firstPlural", blueprint.entities().get(0).plural());
    context.put(
        "usesEmail",
        blueprint.entities().stream()
            .flatMap(e -> e.fields().stream())
            .anyMatch(f -> f.type() == FieldType.EMAIL));
    context.put("storage", storage(blueprint.plan().database()));
    return context;
  }

  /** The annotation and default of a Pydantic field: {@code str = Field(min_length=1, ...)}. */
  static String declaration(Field field) {
    return switch (field.type()) {
      case STRING, TEXT ->
          field.required()
              ? "str = Field(min_length="
                  + field.minLength()
                  + ", max_length="
                  + field.maxLength()
                  + ")"
              : "str | None = Field(default=None, max_length=" + field.maxLength() + ")";
      case EMAIL -> "str = Field(max_length=" + field.maxLength() + ", pattern=EMAIL_PATTERN)";
      case DECIMAL -> "float = Field(ge=0)";
      case INTEGER -> "int = Field(default=0, ge=0)";
      case BOOLEAN -> "bool = False";
    };
  }

  /** A Python dict literal of valid values for every field. */
  static String sample(Entity entity, int variant) {
    return entity.fields().stream()
        .map(f -> "\"" + f.name() + "\": " + literal(f.sample(entity.name(), variant)))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String literal(Object value) {
    if (value instanceof String s) {
      return "\"" + Blueprint.json(s) + "\"";
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    return String.valueOf(value);
  }

  private static String storage(String database) {
    String memory =
        "records live in memory (`app/repository.py`, thread-safe) and are gone after a restart.";
    return switch (database) {
      case "none" -> memory;
      case "postgresql" ->
          memory
              + " For PostgreSQL, give `app/repository.py` an implementation with the same methods"
              + " (`create`, `get`, `find_by`, `find_all`, `update`, `delete`).";
      case "mysql" ->
          memory
              + " For MySQL, give `app/repository.py` an implementation with the same methods"
              + " (`create`, `get`, `find_by`, `find_all`, `update`, `delete`).";
      default ->
          memory
              + " For SQLite, give `app/repository.py` an implementation with the same methods"
              + " (`create`, `get`, `find_by`, `find_all`, `update`, `delete`).";
    };
  }
}
