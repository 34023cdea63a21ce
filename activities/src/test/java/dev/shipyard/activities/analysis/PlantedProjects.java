package dev.shipyard.activities.analysis;

import dev.shipyard.activities.codegen.SourceFile;
import java.util.List;

/** Projects with planted defects, their lines known (tests of the analyzers, the e2e test). */
public final class PlantedProjects {

  private PlantedProjects() {}

  /** app/db.py: secret line 3, SQL concatenation line 7, unused variable line 12, type error 18. */
  public static final String PYTHON_DB =
      """
      import sqlite3

      DB_PASSWORD = "hunter2-Very-Secret-99"


      def find_user(conn: sqlite3.Connection, name: str) -> list:
          query = "SELECT * FROM users WHERE name = '" + name + "'"
          return conn.execute(query).fetchall()


      def count_users(conn: sqlite3.Connection) -> int:
          total = 0
          rows = conn.execute("SELECT COUNT(*) FROM users").fetchall()
          return len(rows)


      def label(count: int) -> str:
          return count + 1
      """;

  public static List<SourceFile> python() {
    return List.of(
        new SourceFile("app/__init__.py", ""),
        new SourceFile("app/db.py", PYTHON_DB),
        new SourceFile("README.md", "# planted\n"));
  }

  /** Unused local line 8, incompatible types line 10, raw type line 11; missing dep line 3. */
  public static final String JAVA_APP =
      """
      package demo;

      import org.missing.Thing;
      import java.util.List;

      public class App {
        public int run(String id) {
          int count = 3;
          String label = id;
          int n = "five";
          List raw = null;
          return label.length();
        }
      }
      """;

  public static List<SourceFile> java() {
    return List.of(new SourceFile("src/main/java/demo/App.java", JAVA_APP));
  }

  /** Unused variable line 3. */
  public static final String JS_INDEX =
      """
      const fs = require("fs");
      function main() {
        const unusedThing = 42;
        return fs.existsSync("x");
      }
      module.exports = { main };
      """;

  public static List<SourceFile> javascript() {
    return List.of(new SourceFile("src/index.js", JS_INDEX));
  }
}
