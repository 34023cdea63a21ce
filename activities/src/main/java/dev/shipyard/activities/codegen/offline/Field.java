package dev.shipyard.activities.codegen.offline;

/**
 * One field of an entity, with the constraints every stack enforces.
 *
 * @param name snake_case
 * @param required whether a request must carry it (booleans are never required: they default to
 *     false)
 * @param minLength for strings, the least length when present
 * @param maxLength for strings, the greatest length
 * @param unique whether two records may not share the value
 */
record Field(
    String name, FieldType type, boolean required, int minLength, int maxLength, boolean unique) {

  static Field string(String name, boolean required) {
    return new Field(name, FieldType.STRING, required, required ? 1 : 0, 100, false);
  }

  static Field text(String name, boolean required) {
    return new Field(name, FieldType.TEXT, required, required ? 1 : 0, 2000, false);
  }

  static Field email(String name) {
    return new Field(name, FieldType.EMAIL, true, 3, 254, false);
  }

  static Field decimal(String name) {
    return new Field(name, FieldType.DECIMAL, true, 0, 0, false);
  }

  static Field integer(String name) {
    return new Field(name, FieldType.INTEGER, false, 0, 0, false);
  }

  static Field flag(String name) {
    return new Field(name, FieldType.BOOLEAN, false, 0, 0, false);
  }

  Field asUnique() {
    return new Field(name, type, required, minLength, maxLength, true);
  }

  Field withLength(int min, int max) {
    return new Field(name, type, required, min, max, unique);
  }

  boolean isText() {
    return type == FieldType.STRING || type == FieldType.TEXT || type == FieldType.EMAIL;
  }

  /**
   * A valid value for this field, different for each {@code variant} (1, 2, ...), so tests can
   * create distinct records and then change them: a String, Double, Integer or Boolean.
   */
  Object sample(String entity, int variant) {
    return switch (type) {
      case STRING ->
          name.equals("username")
              ? "user" + variant
              : Names.label(entity) + " " + name.replace('_', ' ') + " " + variant;
      case TEXT -> "Text " + variant + " for the " + name.replace('_', ' ') + ".";
      case EMAIL -> entity + variant + "@example.com";
      case DECIMAL -> variant == 1 ? 19.99 : 24.5;
      case INTEGER -> variant * 3;
      case BOOLEAN -> variant % 2 == 0;
    };
  }
}
