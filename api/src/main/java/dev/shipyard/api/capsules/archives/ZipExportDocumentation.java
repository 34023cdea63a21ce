package dev.shipyard.api.capsules.archives;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Adds the zip export's body ({@code application/zip}, binary) to the 200 response of {@code GET
 * /capsule/{id}/export/{format}}, whose other formats document their own media types: each exporter
 * describes what it adds, the export controller stays one operation.
 */
@Component
class ZipExportDocumentation implements OpenApiCustomizer {

  static final String PATH = "/capsule/{capsuleId}/export/{format}";

  @Override
  public void customise(io.swagger.v3.oas.models.OpenAPI openApi) {
    PathItem item = openApi.getPaths() == null ? null : openApi.getPaths().get(PATH);
    Operation get = item == null ? null : item.getGet();
    if (get == null || get.getResponses() == null) {
      return;
    }
    ApiResponse ok = get.getResponses().get("200");
    if (ok == null) {
      ok = new ApiResponse().description("the export");
      get.getResponses().addApiResponse("200", ok);
    }
    if (ok.getContent() == null) {
      ok.setContent(new Content());
    }
    // springdoc's guess from ResponseEntity<Object> (*/* or JSON of an untyped object) says
    // nothing: the formats say what they are. A typed JSON body another format documents stays.
    ok.getContent().remove("*/*");
    MediaType json = ok.getContent().get("application/json");
    if (json != null
        && json.getSchema() != null
        && json.getSchema().get$ref() == null
        && "object".equals(json.getSchema().getType())
        && json.getSchema().getProperties() == null
        && json.getSchema().getOneOf() == null
        && json.getSchema().getAnyOf() == null) {
      ok.getContent().remove("application/json");
    }
    ok.getContent().addMediaType("application/zip", new MediaType().schema(new BinarySchema()));
  }
}
