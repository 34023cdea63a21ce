package dev.shipyard.api.openapi;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.Schema;
import java.lang.reflect.Type;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;

/** Puts schemas of Java types into the OpenAPI document's components. */
public final class OpenApiSchemas {

  private OpenApiSchemas() {}

  /** The schemas of {@code type} and every type it refers to, by name. */
  @SuppressWarnings("rawtypes")
  public static Map<String, Schema> of(Type type) {
    return ModelConverters.getInstance().readAll(new AnnotatedType(type).resolveAsRef(false));
  }

  /**
   * A customizer adding the schema of {@code type} (for example a generic envelope that a response
   * annotation names by {@code ref}), and those it refers to, unless already present.
   */
  public static OpenApiCustomizer adding(Type type) {
    return openApi -> {
      if (openApi.getComponents() == null) {
        openApi.setComponents(new Components());
      }
      Components components = openApi.getComponents();
      of(type)
          .forEach(
              (name, schema) -> {
                if (components.getSchemas() == null || !components.getSchemas().containsKey(name)) {
                  components.addSchemas(name, schema);
                }
              });
    };
  }
}
