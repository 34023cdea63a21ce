package dev.shipyard.activities.codegen.offline;

import java.util.List;

/**
 * A CRUD resource of the generated project.
 *
 * @param name singular, lowercase, a valid identifier in every stack ({@code user})
 * @param plural lowercase plural ({@code users}), used for paths, tables and modules
 * @param fields in declaration order, at least one required text field first
 */
record Entity(String name, String plural, List<Field> fields) {

  Entity {
    fields = List.copyOf(fields);
  }

  String className() {
    return Names.pascal(name);
  }

  /** The first required text field: what tests change and what list views show. */
  Field labelField() {
    return fields.stream()
        .filter(f -> f.required() && f.isText())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(name + " has no required text field"));
  }

  List<Field> uniqueFields() {
    return fields.stream().filter(Field::unique).toList();
  }
}
