package dev.shipyard.activities.codegen.offline;

import dev.shipyard.activities.codegen.GenerationSpec;
import java.util.Map;

/** The request of capsules-api.md, with the constraints each test chooses. */
final class Requests {

  static final String DESCRIPTION = "Create a FastAPI microservice for user management";
  static final String REQUIREMENTS =
      "Must include authentication, CRUD operations, and Docker deployment";

  static final GenerationSpec PYTHON =
      userManagement(
          Map.of("language", "python", "framework", "fastapi", "database", "postgresql"));
  static final GenerationSpec JAVA =
      userManagement(Map.of("language", "java", "framework", "spring-boot"));
  static final GenerationSpec NODE =
      userManagement(Map.of("language", "javascript", "framework", "express"));

  /** Two entities with decimals, integers and no unique fields, and no authentication. */
  static GenerationSpec shop(String language) {
    return new GenerationSpec(
        "A small shop backend for products and orders",
        "CRUD for both, containerised",
        Map.of("language", language));
  }

  private Requests() {}

  static GenerationSpec userManagement(Map<String, String> constraints) {
    return new GenerationSpec(DESCRIPTION, REQUIREMENTS, constraints);
  }
}
