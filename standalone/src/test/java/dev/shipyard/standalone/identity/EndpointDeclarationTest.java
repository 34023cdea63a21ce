package dev.shipyard.standalone.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.api.security.Permission;
import dev.shipyard.api.security.PublicEndpoint;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * Every endpoint declares what it needs: a {@code @PreAuthorize} guard naming known permissions, or
 * {@link PublicEndpoint}. A new handler with neither fails the build instead of going out open.
 */
@ExtendWith(LocalPlatformExtension.class)
class EndpointDeclarationTest {

  private static final Pattern AUTHORITY = Pattern.compile("hasAuthority\\('([^']+)'\\)");

  @Test
  void everyHandlerIsGuardedOrDeclaredPublic(LocalPlatform platform) {
    Map<RequestMappingInfo, HandlerMethod> handlers =
        platform
            .apiContext()
            .getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class)
            .getHandlerMethods();
    List<String> undeclared = new ArrayList<>();
    List<String> unknownPermissions = new ArrayList<>();
    int guarded = 0;
    for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : handlers.entrySet()) {
      HandlerMethod handler = entry.getValue();
      if (!handler.getBeanType().getPackageName().startsWith("dev.shipyard")) {
        continue; // springdoc's own document endpoints
      }
      PreAuthorize guard =
          AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), PreAuthorize.class);
      boolean isPublic =
          handler.hasMethodAnnotation(PublicEndpoint.class)
              || handler.getBeanType().isAnnotationPresent(PublicEndpoint.class);
      if (guard == null && !isPublic) {
        undeclared.add(entry.getKey() + " -> " + handler);
      }
      if (guard != null) {
        guarded++;
        Matcher m = AUTHORITY.matcher(guard.value());
        while (m.find()) {
          if (Permission.fromValue(m.group(1)).isEmpty()) {
            unknownPermissions.add(handler + " needs unknown '" + m.group(1) + "'");
          }
        }
      }
    }
    assertThat(undeclared).as("handlers with neither @PreAuthorize nor @PublicEndpoint").isEmpty();
    assertThat(unknownPermissions).isEmpty();
    assertThat(guarded).as("guarded handlers found").isGreaterThanOrEqualTo(13);
  }
}
