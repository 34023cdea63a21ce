package dev.shipyard.activities.codegen.offline;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.workflows.capsules.ProjectPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Python 3.12 and FastAPI: an application factory, Pydantic models (running on Pydantic 2 and on
 * Pydantic 1, so FastAPI 0.92 of Debian 12 as well: {@code app/compat.py}), one router per entity
 * over a repository (SQL through DB-API for PostgreSQL, MySQL or SQLite when the plan names a
 * database, otherwise thread-safe in memory), standard-library password hashing and HS256 tokens,
 * unittest tests (the API ones through TestClient), pip requirements, Docker and GitHub Actions.
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
        .add("app/compat.py", context)
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
    if (blueprint.auth() || hasDatabase(blueprint)) {
      files.add("app/config.py", context);
    }
    if (hasDatabase(blueprint)) {
      files.add("app/database.py", context).add("app/schema.py", context);
    }
    if (blueprint.auth()) {
      files.add("app/security.py", context).add("app/auth.py", context);
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

  private static boolean hasDatabase(Blueprint blueprint) {
    return !"none".equals(blueprint.plan().database());
  }

  private static Map<String, Object> context(Blueprint blueprint) {
    Map<String, Object> context = blueprint.context();
    String database = blueprint.plan().database();
    boolean sql = hasDatabase(blueprint);
    context.put("postgresql", database.equals("postgresql"));
    context.put("mysql", database.equals("mysql"));
    context.put("returning", !database.equals("mysql"));
    context.put("usesSettings", sql || blueprint.auth());
    context.put("urlExample", urlExample(blueprint.plan()));
    context.put(
        "accountsAssignment",
        assignment(
            "accounts",
            "AccountService",
            sql
                ? "SqlRepository(database, \"accounts\", (\"username\", \"password_hash\"),"
                    + " unique=(\"username\",))"
                : ""));
    List<Map<String, Object>> entities = new ArrayList<>();
    for (Entity entity : blueprint.entities()) {
      Map<String, Object> e = Blueprint.entityContext(entity);
      e.put("idPath", "{" + entity.name() + "_id}");
      e.put("constantName", entity.name().toUpperCase(Locale.ROOT));
      e.put("hasUnique", !entity.uniqueFields().isEmpty());
      e.put(
          "repositoryAssignment",
          sql
              ? assignment(entity.plural() + "_repository", "SqlRepository", sqlArguments(entity))
              : assignment(
                  entity.plural() + "_repository", "InMemoryRepository", memoryArguments(entity)));
      List<Field> fields = entity.fields();
      List<Map<String, Object>> columns = new ArrayList<>();
      for (int i = 0; i < fields.size(); i++) {
        String suffix = i + 1 < fields.size() ? ", " : "";
        columns.add(Map.of("definition", column(fields.get(i)) + suffix));
      }
      e.put("columns", columns);
      String constant = entity.name().toUpperCase(Locale.ROOT);
      e.put("sample", sample(entity, 1, constant + " = "));
      e.put("updated", sample(entity, 2, constant + "_UPDATED = "));
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

  private static String memoryArguments(Entity entity) {
    return entity.uniqueFields().isEmpty() ? "" : "unique=" + tuple(entity.uniqueFields());
  }

  private static String sqlArguments(Entity entity) {
    return "database, \""
        + entity.plural()
        + "\", "
        + tuple(entity.fields())
        + (entity.uniqueFields().isEmpty() ? "" : ", unique=" + tuple(entity.uniqueFields()));
  }

  /**
   * {@code variable = callee(arguments)} at the indentation of a function body, the arguments on
   * their own line when one line would pass 99 characters.
   */
  static String assignment(String variable, String callee, String arguments) {
    String line = variable + " = " + callee + "(" + arguments + ")";
    if (4 + line.length() <= 99) {
      return line;
    }
    return variable + " = " + callee + "(\n        " + arguments + "\n    )";
  }

  /** A Python tuple of the fields' names. */
  private static String tuple(List<Field> fields) {
    return fields.stream()
        .map(f -> "\"" + f.name() + "\"")
        .collect(Collectors.joining(", ", "(", fields.size() == 1 ? ",)" : ")"));
  }

  /** The SQL column of a field, the same in PostgreSQL, MySQL and SQLite. */
  static String column(Field field) {
    String type =
        switch (field.type()) {
          case STRING, EMAIL -> "VARCHAR(" + field.maxLength() + ")";
          case TEXT -> "TEXT";
          case DECIMAL -> "NUMERIC(12, 2)";
          case INTEGER -> "INTEGER NOT NULL DEFAULT 0";
          case BOOLEAN -> "BOOLEAN NOT NULL DEFAULT FALSE";
        };
    boolean notNull = field.required() && field.type() != FieldType.INTEGER;
    return field.name()
        + " "
        + type
        + (notNull ? " NOT NULL" : "")
        + (field.unique() ? " UNIQUE" : "");
  }

  private static String urlExample(ProjectPlan plan) {
    String name = plan.projectName().replace('-', '_');
    return switch (plan.database()) {
      case "postgresql" -> "postgresql://app@localhost:5432/" + name;
      case "mysql" -> "mysql://app@localhost:3306/" + name;
      default -> "sqlite:///./" + name + ".db";
    };
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
      case EMAIL -> "str = matching(EMAIL_PATTERN, max_length=" + field.maxLength() + ")";
      case DECIMAL -> "float = Field(ge=0)";
      case INTEGER -> "int = Field(default=0, ge=0)";
      case BOOLEAN -> "bool = False";
    };
  }

  /** A Python dict literal of valid values for every field, assigned after {@code prefix}. */
  static String sample(Entity entity, int variant, String prefix) {
    List<String> entries =
        entity.fields().stream()
            .map(f -> "\"" + f.name() + "\": " + literal(f.sample(entity.name(), variant)))
            .toList();
    return Blueprint.objectLiteral(entries, prefix, "", "    ", "{", "}", true);
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
    return switch (database) {
      case "none" ->
          "records live in memory (`app/repository.py`, thread-safe) and are gone after a"
              + " restart; a database-backed class with the same methods plugs in behind the"
              + " `Repository` protocol.";
      case "postgresql" ->
          "PostgreSQL through psycopg 3 (`app/database.py`); SQLite works too, for local"
              + " development and the tests.";
      case "mysql" ->
          "MySQL through PyMySQL (`app/database.py`); SQLite works too, for local development"
              + " and the tests.";
      default -> "SQLite through the standard library (`app/database.py`).";
    };
  }
}
