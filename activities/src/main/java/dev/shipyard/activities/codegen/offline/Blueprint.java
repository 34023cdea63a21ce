package dev.shipyard.activities.codegen.offline;

import dev.shipyard.workflows.capsules.ProjectPlan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan with everything the templates need: the entities with their fields, and the template
 * variables every stack shares.
 */
record Blueprint(ProjectPlan plan, String description, List<Entity> entities) {

  static Blueprint of(ProjectPlan plan, String description) {
    List<Entity> entities = plan.entities().stream().map(EntityCatalog::entity).toList();
    return new Blueprint(plan, description == null ? "" : description.strip(), entities);
  }

  boolean auth() {
    return plan.has("auth");
  }

  /**
   * Variables of every template: project names and text, feature flags ({@code auth}, {@code
   * docker}, ...), the database. Stacks add their entity lists.
   */
  Map<String, Object> context() {
    Map<String, Object> context = new HashMap<>();
    context.put("projectName", plan.projectName());
    context.put("title", Names.title(plan.projectName()));
    String summary = description.isEmpty() ? Names.title(plan.projectName()) : description;
    context.put("description", summary);
    context.put("descriptionJson", json(summary));
    context.put("descriptionXml", xml(summary));
    for (String feature : List.of("auth", "crud", "docker", "ci", "tests")) {
      context.put(feature, plan.has(feature));
    }
    context.put("database", plan.database());
    context.put("hasDatabase", !"none".equals(plan.database()));
    context.put(
        "databaseLabel",
        switch (plan.database()) {
          case "postgresql" -> "PostgreSQL";
          case "mysql" -> "MySQL";
          case "sqlite" -> "SQLite";
          default -> "none";
        });
    context.put("firstEntity", entities.get(0).name());
    return context;
  }

  /** {@code entity} with the names every stack uses for it. */
  static Map<String, Object> entityContext(Entity entity) {
    Map<String, Object> context = new HashMap<>();
    context.put("name", entity.name());
    context.put("plural", entity.plural());
    context.put("className", entity.className());
    context.put("pluralClassName", Names.pascal(entity.plural()));
    context.put("label", Names.label(entity.name()));
    context.put("pluralLabel", Names.label(entity.plural()));
    context.put("labelField", entity.labelField().name());
    context.put("labelFieldCamel", Names.camel(entity.labelField().name()));
    return context;
  }

  /**
   * An object literal of {@code entries} ({@code key: value} texts) that starts after {@code
   * prefix} on its line: on that line when the whole fits in 99 characters, otherwise one entry a
   * line, indented by {@code indent} within {@code margin}.
   */
  static String objectLiteral(
      List<String> entries,
      String prefix,
      String margin,
      String indent,
      String open,
      String close,
      boolean trailingComma) {
    String oneLine = open + String.join(", ", entries) + close;
    if (prefix.length() + oneLine.length() <= 99) {
      return oneLine;
    }
    String separator = ",\n" + margin + indent;
    return open.strip()
        + "\n"
        + margin
        + indent
        + String.join(separator, entries)
        + (trailingComma ? "," : "")
        + "\n"
        + margin
        + close.strip();
  }

  /** The characters of {@code text} as the inside of a JSON string. */
  static String json(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
