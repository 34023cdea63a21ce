package dev.shipyard.api.tasks;

import dev.shipyard.api.security.Permission;

/**
 * The two kinds of task whose progress is recorded in {@code task_events}: builds and analyses.
 * Each names its business table (owner and tenant), its ID column and the permission to read it.
 */
public enum TaskKind {
  BUILD("build", "builds", "task_id", Permission.BUILD_READ, "Build"),
  ANALYSIS("analysis", "analyses", "analysis_id", Permission.ANALYSIS_READ, "Analysis");

  private final String value;
  private final String table;
  private final String idColumn;
  private final Permission readPermission;
  private final String noun;

  TaskKind(String value, String table, String idColumn, Permission read, String noun) {
    this.value = value;
    this.table = table;
    this.idColumn = idColumn;
    this.readPermission = read;
    this.noun = noun;
  }

  /** The value of {@code task_events.kind}, also the path segment ({@code /api/ws/build/...}). */
  public String value() {
    return value;
  }

  String table() {
    return table;
  }

  String idColumn() {
    return idColumn;
  }

  Permission readPermission() {
    return readPermission;
  }

  /** "Build" or "Analysis", for messages. */
  String noun() {
    return noun;
  }
}
