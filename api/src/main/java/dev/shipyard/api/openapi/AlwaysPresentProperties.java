package dev.shipyard.api.openapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.oas.models.media.Schema;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Notes on the schema of every Java record which of its properties Jackson always writes: the API
 * writes nulls ({@code spring.jackson.default-property-inclusion: always}) unless a component or
 * the record says {@code @JsonInclude(NON_NULL)} or similar. {@link ResponseSchemas} turns the note
 * into {@code required} for the schemas responses use, so a response that lacks a field fails
 * validation.
 */
@Component
class AlwaysPresentProperties implements ModelConverter {

  /** The schema extension holding the note; removed from the document again. */
  static final String EXTENSION = "x-shipyard-always-present";

  /**
   * The properties declared {@code @Schema(nullable = true)}: swagger-core drops that flag on a
   * property that refers to another schema, so {@link ResponseSchemas} puts it back.
   */
  static final String NULLABLE = "x-shipyard-nullable";

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public Schema resolve(
      AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
    Schema resolved = chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
    if (resolved == null || type.getType() == null) {
      return resolved;
    }
    Class<?> raw = TypeFactory.defaultInstance().constructType(type.getType()).getRawClass();
    if (!raw.isRecord()) {
      return resolved;
    }
    Schema model = resolved;
    if (resolved.get$ref() != null) {
      String ref = resolved.get$ref();
      model = context.getDefinedModels().get(ref.substring(ref.lastIndexOf('/') + 1));
    }
    if (model == null || model.getProperties() == null) {
      return resolved;
    }
    boolean recordOmits = omits(raw.getAnnotation(JsonInclude.class));
    List<String> always = new ArrayList<>();
    List<String> nullable = new ArrayList<>();
    for (RecordComponent component : raw.getRecordComponents()) {
      JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
      String name =
          property != null && !property.value().isEmpty() ? property.value() : component.getName();
      JsonInclude include = component.getAccessor().getAnnotation(JsonInclude.class);
      boolean omitted = include != null ? omits(include) : recordOmits;
      if (!omitted && model.getProperties().containsKey(name)) {
        always.add(name);
      }
      io.swagger.v3.oas.annotations.media.Schema doc =
          component.getAccessor().getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
      if (doc != null && doc.nullable() && model.getProperties().containsKey(name)) {
        nullable.add(name);
      }
    }
    model.addExtension(EXTENSION, always);
    if (!nullable.isEmpty()) {
      model.addExtension(NULLABLE, nullable);
    }
    return resolved;
  }

  private static boolean omits(JsonInclude include) {
    return include != null
        && include.value() != JsonInclude.Include.ALWAYS
        && include.value() != JsonInclude.Include.USE_DEFAULTS;
  }
}
