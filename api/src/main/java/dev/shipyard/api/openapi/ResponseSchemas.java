package dev.shipyard.api.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Response schemas list every property the API always writes as {@code required} (from {@link
 * AlwaysPresentProperties}); request schemas keep what bean validation requires. A nullable
 * property that refers to another schema becomes {@code type: object, nullable: true, anyOf: [$ref,
 * null]} (OpenAPI 3.0 ignores siblings of a {@code $ref}); the values of a {@code Map<String,
 * Object>} are any JSON. Runs last, after every other customizer added its schemas.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class ResponseSchemas implements GlobalOpenApiCustomizer {

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Schema nullable(Schema property) {
    if (property.get$ref() == null) {
      property.setNullable(true);
      return property;
    }
    // anyOf [the record, null]: validators apply a nullable beside allOf/anyOf to the parts too
    // (swagger-request-validator among them), so null needs a part of its own. That part is an
    // object without properties that may be null; the record itself is never empty.
    Schema nullOnly = new Schema();
    nullOnly.setType("object");
    nullOnly.setNullable(true);
    nullOnly.setMaxProperties(0);
    Schema wrapped = new Schema();
    wrapped.setAnyOf(List.of(new Schema().$ref(property.get$ref()), nullOnly));
    wrapped.setType("object"); // referred schemas are records; nullable needs a type beside it
    wrapped.setNullable(true);
    wrapped.setDescription(property.getDescription());
    return wrapped;
  }

  /** What swagger-core makes of {@code Object}: {@code type: object} and nothing else. */
  @SuppressWarnings("rawtypes")
  private static boolean isJavaObject(Schema schema) {
    return "object".equals(schema.getType())
        && schema.get$ref() == null
        && schema.getProperties() == null
        && schema.getAdditionalProperties() == null
        && schema.getAllOf() == null
        && schema.getOneOf() == null
        && schema.getAnyOf() == null;
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public void customise(OpenAPI openApi) {
    Map<String, Schema> schemas =
        openApi.getComponents() == null ? null : openApi.getComponents().getSchemas();
    if (schemas == null) {
      return;
    }
    Deque<Schema> pending = new ArrayDeque<>();
    if (openApi.getPaths() != null) {
      for (PathItem item : openApi.getPaths().values()) {
        for (Operation operation : item.readOperations()) {
          if (operation.getResponses() == null) {
            continue;
          }
          for (ApiResponse response : operation.getResponses().values()) {
            Content content = response.getContent();
            if (content != null) {
              content.values().forEach(media -> pending.add(media.getSchema()));
            }
          }
        }
      }
    }
    Set<String> seen = new HashSet<>();
    while (!pending.isEmpty()) {
      Schema schema = pending.pop();
      if (schema == null) {
        continue;
      }
      if (schema.get$ref() != null) {
        String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
        if (seen.add(name) && schemas.get(name) != null) {
          Schema target = schemas.get(name);
          Object always =
              target.getExtensions() == null
                  ? null
                  : target.getExtensions().get(AlwaysPresentProperties.EXTENSION);
          if (always instanceof List<?> names && !names.isEmpty()) {
            target.setRequired((List<String>) names);
          }
          pending.add(target);
        }
        continue;
      }
      if (schema.getProperties() != null) {
        pending.addAll(schema.getProperties().values());
      }
      if (schema.getItems() != null) {
        pending.add(schema.getItems());
      }
      if (schema.getAdditionalProperties() instanceof Schema additional) {
        if (isJavaObject(additional)) {
          // Map<String, Object>: the values are any JSON, not only objects.
          schema.setAdditionalProperties(true);
        } else {
          pending.add(additional);
        }
      }
      for (List<Schema> parts :
          new List[] {schema.getAllOf(), schema.getAnyOf(), schema.getOneOf()}) {
        if (parts != null) {
          pending.addAll(parts);
        }
      }
    }
    for (Schema schema : schemas.values()) {
      Object nullable =
          schema.getExtensions() == null
              ? null
              : schema.getExtensions().get(AlwaysPresentProperties.NULLABLE);
      if (schema.getProperties() != null && nullable instanceof List<?> names) {
        Map<String, Schema> properties = schema.getProperties();
        properties.replaceAll(
            (name, property) -> names.contains(name) ? nullable(property) : property);
      }
      if (schema.getExtensions() != null) {
        schema.getExtensions().remove(AlwaysPresentProperties.NULLABLE);
        schema.getExtensions().remove(AlwaysPresentProperties.EXTENSION);
        if (schema.getExtensions().isEmpty()) {
          schema.setExtensions(null);
        }
      }
    }
  }
}
