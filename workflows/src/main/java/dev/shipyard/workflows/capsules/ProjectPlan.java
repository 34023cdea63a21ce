package dev.shipyard.workflows.capsules;

import java.util.List;

/**
 * What a generation engine decided to build from a request: small, so it travels in workflow
 * payloads and history.
 *
 * @param projectName a slug such as {@code user-management-service}
 * @param stack the catalog stack: {@code python-fastapi}, {@code java-spring-boot} or {@code
 *     node-express}
 * @param language {@code python}, {@code java} or {@code javascript}
 * @param framework {@code fastapi}, {@code spring-boot} or {@code express}
 * @param database {@code postgresql}, {@code mysql}, {@code sqlite} or {@code none}
 * @param features feature flags derived from the text: {@code auth}, {@code crud}, {@code docker},
 *     {@code ci}, {@code tests} (and others an engine understands)
 * @param entities CRUD entities named in the text, singular and lowercase, such as {@code user}
 */
public record ProjectPlan(
    String projectName,
    String stack,
    String language,
    String framework,
    String database,
    List<String> features,
    List<String> entities) {

  public boolean has(String feature) {
    return features.contains(feature);
  }
}
