package dev.shipyard.activities.codegen.offline;

import dev.shipyard.activities.codegen.SourceFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Java 17 and Spring Boot 3.5 (Spring MVC): a package per entity (record, validated request record,
 * in-memory repository, controller), HS256 tokens and PBKDF2 passwords with the JDK's crypto behind
 * a handler interceptor, JUnit 5 tests with MockMvc, Maven, Docker and GitHub Actions. The sources
 * use nothing beyond Spring Boot, Spring MVC, Jakarta Validation and Servlet, JUnit Jupiter,
 * AssertJ and Spring Test.
 */
final class JavaSpringBootStack implements Stack {

  private static final String ID = "java-spring-boot";

  private final TemplateRenderer templates;

  JavaSpringBootStack(TemplateRenderer templates) {
    this.templates = templates;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String language() {
    return "java";
  }

  @Override
  public String framework() {
    return "spring-boot";
  }

  @Override
  public Set<String> languageNames() {
    return Set.of("java", "java17", "java 17");
  }

  @Override
  public Set<String> frameworkNames() {
    return Set.of("spring-boot", "spring boot", "springboot", "spring");
  }

  @Override
  public Pattern frameworkKeywords() {
    return Pattern.compile("\\bspring([- ]?boot)?\\b");
  }

  @Override
  public Pattern languageKeywords() {
    return Pattern.compile("\\bjava\\b");
  }

  @Override
  public List<SourceFile> files(Blueprint blueprint) {
    Map<String, Object> context = context(blueprint);
    String basePackage = (String) context.get("basePackage");
    String main = "src/main/java/" + basePackage.replace('.', '/') + "/";
    String test = "src/test/java/" + basePackage.replace('.', '/') + "/";
    boolean tests = blueprint.plan().has("tests");
    boolean auth = blueprint.auth();

    ProjectFiles files = new ProjectFiles(templates, ID);
    files
        .add("pom.xml", context)
        .add(main + "Application.java", "main/Application.java", context)
        .add("src/main/resources/application.properties", "main/application.properties", context)
        .add(main + "common/NotFoundException.java", "common/NotFoundException.java", context)
        .add(".env.example", "env.example", context)
        .add(".gitignore", "gitignore", context)
        .add("README.md", context);
    boolean anyUnique = blueprint.entities().stream().anyMatch(e -> !e.uniqueFields().isEmpty());
    if (anyUnique || auth) {
      files.add(main + "common/ConflictException.java", "common/ConflictException.java", context);
    }
    for (Map<String, Object> entity : entities(context)) {
      Map<String, Object> scope = new HashMap<>(context);
      scope.putAll(entity);
      String folder = entity.get("name") + "/" + entity.get("className");
      for (String kind : List.of("", "Request", "Repository", "Controller")) {
        files.add(main + folder + kind + ".java", "main/Entity" + kind + ".java", scope);
      }
      if (tests) {
        files.add(test + folder + "ControllerTest.java", "test/EntityControllerTest.java", scope);
      }
    }
    if (auth) {
      for (String name :
          List.of(
              "Account",
              "AuthConfig",
              "AuthController",
              "AuthInterceptor",
              "CredentialStore",
              "Credentials",
              "InvalidTokenException",
              "PasswordHasher",
              "TokenResponse",
              "TokenService",
              "UnauthorizedException")) {
        files.add(main + "auth/" + name + ".java", "auth/" + name + ".java", context);
      }
    }
    if (tests) {
      if (auth) {
        for (String name : List.of("AuthFlowTest", "PasswordHasherTest", "TokenServiceTest")) {
          files.add(test + "auth/" + name + ".java", "test/" + name + ".java", context);
        }
      } else {
        files.add(test + "ApplicationTest.java", "test/ApplicationTest.java", context);
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

  /** {@code com.example.} and the project name without its dashes. */
  static String basePackage(String projectName) {
    String name = projectName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
      name = "app" + name;
    }
    return "com.example." + name;
  }

  private static Map<String, Object> context(Blueprint blueprint) {
    Map<String, Object> context = blueprint.context();
    context.put("basePackage", basePackage(blueprint.plan().projectName()));
    context.put("firstPlural", blueprint.entities().get(0).plural());
    context.put("storage", storage(blueprint.plan().database()));
    List<Map<String, Object>> entities = new ArrayList<>();
    for (Entity entity : blueprint.entities()) {
      Map<String, Object> e = Blueprint.entityContext(entity);
      List<Field> fields = entity.fields();
      e.put("constantName", entity.name().toUpperCase(Locale.ROOT));
      e.put("usesDecimal", fields.stream().anyMatch(f -> f.type() == FieldType.DECIMAL));
      e.put(
          "recordComponents",
          "Long id, "
              + fields.stream()
                  .map(f -> javaType(f) + " " + Names.camel(f.name()))
                  .collect(Collectors.joining(", ")));
      e.put(
          "requestComponents",
          fields.stream()
              .map(f -> "    " + annotations(f) + javaType(f) + " " + Names.camel(f.name()))
              .collect(Collectors.joining(",\n")));
      e.put(
          "componentNames",
          fields.stream().map(f -> Names.camel(f.name())).collect(Collectors.joining(", ")));
      e.put("requestImports", requestImports(fields));
      e.put("hasUnique", !entity.uniqueFields().isEmpty());
      e.put(
          "uniqueFields",
          entity.uniqueFields().stream()
              .map(f -> Map.<String, Object>of("camel", Names.camel(f.name())))
              .toList());
      e.put("sampleJson", sampleJson(entity, 1));
      e.put("updatedJson", sampleJson(entity, 2));
      e.put("labelSample", Blueprint.json((String) entity.labelField().sample(entity.name(), 1)));
      e.put("labelUpdated", Blueprint.json((String) entity.labelField().sample(entity.name(), 2)));
      entities.add(e);
    }
    context.put("entities", entities);
    return context;
  }

  static String javaType(Field field) {
    return switch (field.type()) {
      case STRING, TEXT, EMAIL -> "String";
      case DECIMAL -> "BigDecimal";
      case INTEGER -> "int";
      case BOOLEAN -> "boolean";
    };
  }

  /** Jakarta Validation annotations, each followed by a space. */
  static String annotations(Field field) {
    return switch (field.type()) {
      case STRING, TEXT ->
          (field.required() ? "@NotBlank " : "")
              + (field.minLength() > 1
                  ? "@Size(min = " + field.minLength() + ", max = " + field.maxLength() + ") "
                  : "@Size(max = " + field.maxLength() + ") ");
      case EMAIL -> "@NotBlank @Email @Size(max = " + field.maxLength() + ") ";
      case DECIMAL -> "@NotNull @PositiveOrZero ";
      case INTEGER -> "@PositiveOrZero ";
      case BOOLEAN -> "";
    };
  }

  private static String requestImports(List<Field> fields) {
    Set<String> imports = new TreeSet<>();
    for (Field field : fields) {
      for (String annotation : annotations(field).split(" ")) {
        if (annotation.startsWith("@")) {
          String name = annotation.substring(1).replaceAll("\\(.*", "");
          imports.add("jakarta.validation.constraints." + name);
        }
      }
      if (field.type() == FieldType.DECIMAL) {
        imports.add("java.math.BigDecimal");
      }
    }
    return imports.stream().map(i -> "import " + i + ";").collect(Collectors.joining("\n"));
  }

  /**
   * A JSON object of valid values for every field, with the record's camelCase names, one field a
   * line, for a text block indented by six spaces.
   */
  static String sampleJson(Entity entity, int variant) {
    List<String> entries =
        entity.fields().stream()
            .map(
                f -> {
                  Object value = f.sample(entity.name(), variant);
                  String json =
                      value instanceof String s
                          ? "\"" + Blueprint.json(s) + "\""
                          : String.valueOf(value);
                  return "\"" + Names.camel(f.name()) + "\": " + json;
                })
            .toList();
    String margin = " ".repeat(6);
    String json = "{\n" + margin + "  " + String.join(",\n" + margin + "  ", entries) + "\n";
    return margin + json + margin + "}";
  }

  private static String storage(String database) {
    String memory =
        "records live in memory (one repository class per resource, safe for concurrent use) and"
            + " are gone after a restart.";
    return "none".equals(database)
        ? memory
        : memory
            + " The repositories are the seam for the requested "
            + database
            + " database: give them the same methods over Spring Data or JDBC.";
  }
}
