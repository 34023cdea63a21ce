package dev.shipyard.api.users;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.CredentialCache;
import dev.shipyard.api.security.Role;
import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code users} table. Usernames and emails are unique case-insensitively across all tenants
 * (login is by either); a clash answers 409 naming the field, decided by the database's unique
 * indexes so concurrent registrations cannot both win.
 */
@Component
public class UserStore {

  private static final String COLUMNS =
      "id, tenant_id, username, email, password_hash, role, is_active, failed_logins,"
          + " locked_until, last_login, created_at, updated_at";

  private final DatabaseClient db;
  private final CredentialCache credentials;

  public UserStore(DatabaseClient db, CredentialCache credentials) {
    this.db = db;
    this.credentials = credentials;
  }

  public static String normalizeEmail(String email) {
    return email.trim().toLowerCase(Locale.ROOT);
  }

  public Mono<UserRecord> byId(UUID id) {
    return db.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id")
        .bind("id", id)
        .map(UserStore::map)
        .one();
  }

  public Mono<UserRecord> byEmail(String email) {
    return db.sql("SELECT " + COLUMNS + " FROM users WHERE lower(email) = :email")
        .bind("email", normalizeEmail(email))
        .map(UserStore::map)
        .one();
  }

  public Mono<UserRecord> byUsername(String username) {
    return db.sql("SELECT " + COLUMNS + " FROM users WHERE lower(username) = lower(:username)")
        .bind("username", username.trim())
        .map(UserStore::map)
        .one();
  }

  /** A user of {@code tenantId}, or empty (also when it exists in another tenant). */
  public Mono<UserRecord> inTenant(String tenantId, UUID id) {
    return db.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id AND tenant_id = :tenant")
        .bind("id", id)
        .bind("tenant", tenantId)
        .map(UserStore::map)
        .one();
  }

  public Flux<UserRecord> pageOfTenant(String tenantId, int limit, long offset) {
    return db.sql(
            "SELECT "
                + COLUMNS
                + " FROM users WHERE tenant_id = :tenant ORDER BY created_at, id"
                + " LIMIT :limit OFFSET :offset")
        .bind("tenant", tenantId)
        .bind("limit", limit)
        .bind("offset", offset)
        .map(UserStore::map)
        .all();
  }

  public Mono<Long> countOfTenant(String tenantId) {
    return db.sql("SELECT count(*) AS n FROM users WHERE tenant_id = :tenant")
        .bind("tenant", tenantId)
        .map(row -> row.get("n", Long.class))
        .one();
  }

  public Mono<UserRecord> insert(
      String tenantId, String username, String email, String passwordHash, Role role) {
    return db.sql(
            "INSERT INTO users (id, tenant_id, username, email, password_hash, role)"
                + " VALUES (:id, :tenant, :username, :email, :hash, :role) RETURNING "
                + COLUMNS)
        .bind("id", dev.shipyard.api.security.Secrets.uuid())
        .bind("tenant", tenantId)
        .bind("username", username.trim())
        .bind("email", normalizeEmail(email))
        .bind("hash", passwordHash)
        .bind("role", role.value())
        .map(UserStore::map)
        .one()
        .onErrorMap(DataIntegrityViolationException.class, UserStore::conflict);
  }

  /** Changes username and/or email (null leaves a value as it is). */
  public Mono<UserRecord> updateProfile(UUID id, String username, String email) {
    return db.sql(
            "UPDATE users SET username = COALESCE(:username, username),"
                + " email = COALESCE(:email, email), updated_at = now() WHERE id = :id RETURNING "
                + COLUMNS)
        .bind("id", id)
        .bind(
            "username",
            Parameter.fromOrEmpty(username == null ? null : username.trim(), String.class))
        .bind(
            "email",
            Parameter.fromOrEmpty(email == null ? null : normalizeEmail(email), String.class))
        .map(UserStore::map)
        .one()
        .onErrorMap(DataIntegrityViolationException.class, UserStore::conflict)
        .doFinally(signal -> credentials.userChanged(id));
  }

  /** Changes role and/or active state (null leaves a value as it is). */
  public Mono<UserRecord> updateAccess(UUID id, Role role, Boolean active) {
    return db.sql(
            "UPDATE users SET role = COALESCE(:role, role), is_active = COALESCE(:active,"
                + " is_active), updated_at = now() WHERE id = :id RETURNING "
                + COLUMNS)
        .bind("id", id)
        .bind("role", Parameter.fromOrEmpty(role == null ? null : role.value(), String.class))
        .bind("active", Parameter.fromOrEmpty(active, Boolean.class))
        .map(UserStore::map)
        .one()
        .doFinally(signal -> credentials.userChanged(id));
  }

  /** Sets a new password hash and clears any lockout. */
  public Mono<Void> setPassword(UUID id, String passwordHash) {
    return db.sql(
            "UPDATE users SET password_hash = :hash, failed_logins = 0, locked_until = NULL,"
                + " updated_at = now() WHERE id = :id")
        .bind("id", id)
        .bind("hash", passwordHash)
        .then()
        .doFinally(signal -> credentials.userChanged(id));
  }

  /** Clears the failure count and records the login time. */
  public Mono<Void> loginSucceeded(UUID id, Instant now) {
    return db.sql(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login = :now"
                + " WHERE id = :id")
        .bind("id", id)
        .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
        .then()
        .doFinally(signal -> credentials.profileChanged(id));
  }

  /**
   * Counts a failed login, atomically; the {@code max}-th failure in a row locks the account for
   * {@code lockout} from {@code now}. A lock that has expired by {@code now} starts a fresh count.
   *
   * @return the failures counted so far and the lock, if one is now in force
   */
  public Mono<LoginFailures> loginFailed(UUID id, int max, Duration lockout, Instant now) {
    OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
    return db.sql(
            "UPDATE users SET failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until"
                + " <= :now THEN 1 ELSE failed_logins + 1 END,"
                + " locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL AND locked_until"
                + " <= :now THEN 1 ELSE failed_logins + 1 END) >= :max"
                + " THEN :until ELSE NULL END"
                + " WHERE id = :id RETURNING failed_logins, locked_until")
        .bind("id", id)
        .bind("max", max)
        .bind("now", at)
        .bind("until", at.plus(lockout))
        .map(
            row ->
                new LoginFailures(
                    row.get("failed_logins", Integer.class),
                    row.get("locked_until", OffsetDateTime.class)))
        .one();
  }

  /** How many logins failed in a row, and the lock they caused (or null). */
  public record LoginFailures(int count, OffsetDateTime lockedUntil) {}

  private static ApiException conflict(DataIntegrityViolationException e) {
    String message = String.valueOf(e.getMessage());
    String field = message.contains("users_email_key") ? "email" : "username";
    return new ApiException(
        new ApiError(
            HttpStatus.CONFLICT, "CONFLICT", "This " + field + " is already taken", field));
  }

  static UserRecord map(Readable row) {
    return new UserRecord(
        row.get("id", UUID.class),
        row.get("tenant_id", String.class),
        row.get("username", String.class),
        row.get("email", String.class),
        row.get("password_hash", String.class),
        Role.fromValue(row.get("role", String.class)).orElseThrow(),
        Boolean.TRUE.equals(row.get("is_active", Boolean.class)),
        row.get("failed_logins", Integer.class),
        row.get("locked_until", OffsetDateTime.class),
        row.get("last_login", OffsetDateTime.class),
        row.get("created_at", OffsetDateTime.class),
        row.get("updated_at", OffsetDateTime.class));
  }
}
