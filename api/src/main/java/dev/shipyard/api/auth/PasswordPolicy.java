package dev.shipyard.api.auth;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import java.util.Locale;
import org.springframework.http.HttpStatus;

/**
 * The password policy (README: Identity): 10 to 128 characters, at least one letter and one digit
 * or symbol, and not containing the username or the email's local part.
 */
public final class PasswordPolicy {

  public static final int MIN = 10;
  public static final int MAX = 128;

  private PasswordPolicy() {}

  /** Throws a 400 naming {@code field} if {@code password} breaks the policy. */
  public static void check(String field, String password, String username, String email) {
    String problem = problem(password, username, email);
    if (problem != null) {
      throw new ApiException(new ApiError(HttpStatus.BAD_REQUEST, "WEAK_PASSWORD", problem, field));
    }
  }

  static String problem(String password, String username, String email) {
    if (password == null || password.length() < MIN || password.length() > MAX) {
      return "Password must be " + MIN + " to " + MAX + " characters long";
    }
    boolean letter = password.chars().anyMatch(Character::isLetter);
    boolean other = password.chars().anyMatch(c -> !Character.isLetter(c));
    if (!letter || !other) {
      return "Password must contain at least one letter and one digit or symbol";
    }
    String lower = password.toLowerCase(Locale.ROOT);
    if (username != null
        && username.length() >= 3
        && lower.contains(username.toLowerCase(Locale.ROOT))) {
      return "Password must not contain the username";
    }
    if (email != null && email.indexOf('@') >= 3) {
      String local = email.substring(0, email.indexOf('@')).toLowerCase(Locale.ROOT);
      if (lower.contains(local)) {
        return "Password must not contain the email address";
      }
    }
    return null;
  }
}
