package dev.shipyard.activities.codegen.offline;

import static dev.shipyard.activities.codegen.offline.Field.decimal;
import static dev.shipyard.activities.codegen.offline.Field.email;
import static dev.shipyard.activities.codegen.offline.Field.flag;
import static dev.shipyard.activities.codegen.offline.Field.integer;
import static dev.shipyard.activities.codegen.offline.Field.string;
import static dev.shipyard.activities.codegen.offline.Field.text;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The nouns the offline engine recognises as entities, with sensible fields for each; any other
 * noun gets {@code name} and {@code description}.
 */
final class EntityCatalog {

  static final String DEFAULT_ENTITY = "item";

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9]{1,23}");

  /**
   * Names that would clash with a language keyword, a platform type or a module of the generated
   * project skeleton in one of the stacks.
   */
  private static final Set<String> RESERVED =
      Set.of(
          "abstract",
          "app",
          "assert",
          "async",
          "auth",
          "await",
          "boolean",
          "break",
          "byte",
          "case",
          "catch",
          "char",
          "class",
          "common",
          "config",
          "const",
          "continue",
          "credential",
          "data",
          "default",
          "delete",
          "do",
          "double",
          "else",
          "enum",
          "error",
          "errors",
          "export",
          "extends",
          "false",
          "final",
          "float",
          "for",
          "function",
          "global",
          "health",
          "if",
          "import",
          "in",
          "int",
          "integer",
          "interface",
          "is",
          "lambda",
          "list",
          "long",
          "main",
          "map",
          "model",
          "models",
          "module",
          "native",
          "new",
          "none",
          "null",
          "object",
          "package",
          "pass",
          "private",
          "protected",
          "public",
          "raise",
          "record",
          "repository",
          "return",
          "router",
          "routes",
          "security",
          "server",
          "service",
          "services",
          "short",
          "static",
          "string",
          "super",
          "switch",
          "system",
          "test",
          "tests",
          "this",
          "thread",
          "throw",
          "token",
          "true",
          "try",
          "type",
          "typeof",
          "var",
          "void",
          "while",
          "with",
          "yield");

  private static final Map<String, List<Field>> FIELDS = new LinkedHashMap<>();

  static {
    FIELDS.put(
        "user",
        List.of(
            string("username", true).withLength(3, 50).asUnique(),
            email("email").asUnique(),
            string("full_name", false)));
    FIELDS.put("customer", List.of(string("name", true), email("email"), phone()));
    FIELDS.put(
        "product",
        List.of(
            string("name", true), text("description", false), decimal("price"), integer("stock")));
    FIELDS.put(
        "order",
        List.of(
            email("customer_email"), decimal("total"), string("status", true).withLength(1, 20)));
    FIELDS.put("item", List.of(string("name", true), text("description", false)));
    FIELDS.put("task", List.of(string("title", true), text("description", false), flag("done")));
    FIELDS.put("todo", List.of(string("title", true), flag("done")));
    FIELDS.put("post", List.of(string("title", true), text("body", true), flag("published")));
    FIELDS.put("article", List.of(string("title", true), text("body", true), flag("published")));
    FIELDS.put("comment", List.of(string("author", true), text("body", true)));
    FIELDS.put(
        "book",
        List.of(
            string("title", true),
            string("author", true),
            string("isbn", false).withLength(0, 20)));
    FIELDS.put("author", List.of(string("name", true), text("bio", false)));
    FIELDS.put(
        "employee", List.of(string("name", true), email("email"), string("position", false)));
    FIELDS.put("invoice", List.of(email("customer_email"), decimal("amount"), flag("paid")));
    FIELDS.put("payment", List.of(string("reference", true), decimal("amount")));
    FIELDS.put("category", List.of(string("name", true), text("description", false)));
    FIELDS.put("student", List.of(string("name", true), email("email")));
    FIELDS.put("course", List.of(string("title", true), text("description", false)));
    FIELDS.put("review", List.of(string("author", true), integer("rating"), text("body", false)));
    FIELDS.put("contact", List.of(string("name", true), email("email"), phone()));
    FIELDS.put(
        "ticket", List.of(string("title", true), text("description", false), flag("resolved")));
    FIELDS.put("note", List.of(string("title", true), text("body", false)));
    FIELDS.put("event", List.of(string("title", true), string("location", false)));
  }

  /**
   * Catalog nouns that are also common English words in other senses ("in order to", "POST
   * requests", "note that"): recognised only in the plural or before "management".
   */
  private static final Set<String> AMBIGUOUS = Set.of("order", "post", "note", "event", "comment");

  private EntityCatalog() {}

  private static Field phone() {
    return string("phone", false).withLength(0, 32);
  }

  static boolean isKnown(String noun) {
    return FIELDS.containsKey(noun);
  }

  static boolean isAmbiguous(String noun) {
    return AMBIGUOUS.contains(noun);
  }

  /** Whether {@code noun} can name an entity in every stack. */
  static boolean isUsableName(String noun) {
    return IDENTIFIER.matcher(noun).matches() && !RESERVED.contains(noun);
  }

  static Entity entity(String noun) {
    List<Field> fields =
        FIELDS.getOrDefault(noun, List.of(string("name", true), text("description", false)));
    return new Entity(noun, Names.plural(noun), fields);
  }
}
