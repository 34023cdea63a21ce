package dev.shipyard.activities.codegen.offline;

/** The value types an entity field can have in every generated stack. */
enum FieldType {
  /** A short single-line string. */
  STRING,
  /** A longer free text. */
  TEXT,
  EMAIL,
  /** A non-negative amount such as a price. */
  DECIMAL,
  /** A non-negative whole number such as a quantity. */
  INTEGER,
  /** A flag, false unless given. */
  BOOLEAN
}
