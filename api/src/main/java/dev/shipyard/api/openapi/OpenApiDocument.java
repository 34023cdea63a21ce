package dev.shipyard.api.openapi;

import dev.shipyard.api.security.PublicEndpoint;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Locale;
import org.springdoc.core.customizers.GlobalOperationCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.method.HandlerMethod;

/**
 * The document at {@code /v3/api-docs}: its info, the bearer scheme, and per operation which
 * security applies (a guarded handler needs a bearer token or API key, a public one nothing) and a
 * summary. Error responses come from {@code error/ErrorDocumentation}.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocument {

  static final String BEARER = "bearer";

  @Bean
  OpenAPI shipyardOpenApi(ObjectProvider<BuildProperties> build) {
    BuildProperties info = build.getIfAvailable();
    return new OpenAPI()
        .info(
            new Info()
                .title("Shipyard API")
                .version(info == null ? "dev" : info.getVersion())
                .description(
                    "Capsules, builds & analysis, v2, deployment contracts and container-engine"
                        + " APIs of Shipyard. Each family answers errors in its own documented"
                        + " shape."))
        .components(
            new Components()
                .addSecuritySchemes(
                    BEARER,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT or API key")
                        .description(
                            "An access token (HS256 JWT) or an API key, as Authorization: Bearer")));
  }

  @Bean
  GlobalOperationCustomizer securityAndSummaries() {
    return (Operation operation, HandlerMethod handler) -> {
      boolean guarded =
          AnnotatedElementUtils.hasAnnotation(handler.getMethod(), PreAuthorize.class)
              || AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), PreAuthorize.class);
      boolean isPublic =
          handler.hasMethodAnnotation(PublicEndpoint.class)
              || handler.getBeanType().isAnnotationPresent(PublicEndpoint.class);
      operation.setSecurity(
          guarded && !isPublic ? List.of(new SecurityRequirement().addList(BEARER)) : List.of());
      // Unique and readable for generated clients: capsuleGenerate, capsulesV2List, healthLive...
      String owner = handler.getBeanType().getSimpleName().replaceAll("Controller$", "");
      operation.setOperationId(
          Character.toLowerCase(owner.charAt(0))
              + owner.substring(1)
              + Character.toUpperCase(handler.getMethod().getName().charAt(0))
              + handler.getMethod().getName().substring(1));
      if (operation.getSummary() == null || operation.getSummary().isBlank()) {
        operation.setSummary(humanize(handler.getMethod().getName()));
      }
      return operation;
    };
  }

  /** {@code resetPassword} as {@code Reset password}. */
  static String humanize(String methodName) {
    String words = methodName.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }
}
