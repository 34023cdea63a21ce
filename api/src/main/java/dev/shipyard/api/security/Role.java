package dev.shipyard.api.security;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The roles of builds-analysis-api.md plus the premium tier of deployment-contracts.md. A role
 * fixes a caller's permissions and their standard rate-limit ceiling.
 */
public enum Role {
  /** Read-only access to one's own resources. */
  VIEWER,
  /** Creates and manages their own resources. */
  USER,
  /** A user with higher rate limits. */
  PREMIUM,
  /** Everything in their tenant, users and audit included. */
  ADMIN;

  private static final Set<Permission> TENANT_ADMINISTRATION =
      EnumSet.of(Permission.USER_MANAGE, Permission.AUDIT_READ, Permission.TENANT_CREATE);

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The permissions of this role. {@code tenant:create} is granted only to admins of the operator
   * tenant (the one the configured first admin belongs to).
   */
  public Set<Permission> permissions(boolean operatorTenant) {
    EnumSet<Permission> granted = EnumSet.noneOf(Permission.class);
    for (Permission p : Permission.values()) {
      boolean allowed =
          switch (this) {
            case VIEWER -> p.readOnly() || p == Permission.PROFILE_UPDATE;
            case USER, PREMIUM -> !TENANT_ADMINISTRATION.contains(p);
            case ADMIN -> p != Permission.TENANT_CREATE || operatorTenant;
          };
      if (allowed) {
        granted.add(p);
      }
    }
    return granted;
  }

  public static Optional<Role> fromValue(String value) {
    return Arrays.stream(values()).filter(r -> r.value().equals(value)).findFirst();
  }
}
