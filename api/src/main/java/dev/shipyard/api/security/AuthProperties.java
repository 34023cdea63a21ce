package dev.shipyard.api.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Identity settings (README: Configuration). The JWT secret is required and at least 32 bytes; the
 * API refuses to start without it.
 *
 * @param jwtSecret the HS256 signing secret ({@code JWT_SECRET})
 * @param accessTokenTtl lifetime of access tokens
 * @param refreshTokenTtl lifetime of a login session and its refresh tokens
 * @param resetTokenTtl lifetime of a password-reset token
 * @param maxFailedLogins failed logins in a row that lock an account
 * @param lockout how long a locked account stays locked
 * @param apiKeyPrefix the prefix of new API keys, such as {@code ce_dev_}
 * @param registrationEnabled whether {@code POST /v1/auth/register} is open
 * @param operatorTenant the tenant of the first admin; its admins may create tenants
 * @param admin the first admin, created at startup when absent
 * @param resetUrl the page a reset mail links to; the token is appended as {@code ?token=}
 * @param credentialCacheTtl how long an authenticated credential is remembered ({@link
 *     CredentialCache}); zero turns the cache off
 */
@ConfigurationProperties("shipyard.auth")
public record AuthProperties(
    String jwtSecret,
    Duration accessTokenTtl,
    Duration refreshTokenTtl,
    Duration resetTokenTtl,
    int maxFailedLogins,
    Duration lockout,
    String apiKeyPrefix,
    boolean registrationEnabled,
    String operatorTenant,
    Admin admin,
    String resetUrl,
    Duration credentialCacheTtl) {

  public static final int MIN_SECRET_BYTES = 32;

  public AuthProperties {
    if (jwtSecret == null || jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalStateException(
          "JWT_SECRET must be set to at least "
              + MIN_SECRET_BYTES
              + " bytes (for example: openssl rand -base64 48)");
    }
  }

  /** The first admin; nothing is created unless email and password are both set. */
  public record Admin(String username, String email, String password) {
    public boolean configured() {
      return email != null && !email.isBlank() && password != null && !password.isBlank();
    }
  }

  @Override
  public String toString() {
    return "AuthProperties[jwtSecret=(hidden), accessTokenTtl=" + accessTokenTtl + "]";
  }
}
