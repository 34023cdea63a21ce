package dev.shipyard.api.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do. The names follow builds-analysis-api.md ({@code build:create}, ...) and
 * extend it to every resource of the platform. An endpoint declares the one it needs with
 * {@code @PreAuthorize("hasAuthority('capsule:create')")}.
 */
public enum Permission {
  BUILD_CREATE,
  BUILD_READ,
  BUILD_CANCEL,
  ANALYSIS_CREATE,
  ANALYSIS_READ,
  CAPSULE_CREATE,
  CAPSULE_READ,
  CAPSULE_UPDATE,
  CAPSULE_DELETE,
  DELIVERY_CREATE,
  DELIVERY_READ,
  DEPLOYMENT_CREATE,
  DEPLOYMENT_READ,
  DEPLOYMENT_UPDATE,
  DEPLOYMENT_DELETE,
  IMAGE_READ,
  IMAGE_WRITE,
  CHART_READ,
  CHART_WRITE,
  CLUSTER_READ,
  CLUSTER_WRITE,
  AI_OPERATE,
  PROFILE_READ,
  PROFILE_UPDATE,
  APIKEY_READ,
  APIKEY_CREATE,
  APIKEY_REVOKE,
  /** Manage the users of one's own tenant (admins). */
  USER_MANAGE,
  /** Read the security audit trail of one's own tenant (admins). */
  AUDIT_READ,
  /** Create tenants: admins of the operator tenant only. */
  TENANT_CREATE;

  private final String value;

  Permission() {
    String name = name().toLowerCase(Locale.ROOT);
    int split = name.indexOf('_');
    this.value = name.substring(0, split) + ":" + name.substring(split + 1).replace('_', '-');
  }

  /** The wire name, such as {@code build:create}: in JWT claims, API key scopes and guards. */
  public String value() {
    return value;
  }

  /** Whether this permission only reads. */
  public boolean readOnly() {
    return value.endsWith(":read");
  }

  public static Optional<Permission> fromValue(String value) {
    return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
  }
}
