package dev.shipyard.api.auth;

import dev.shipyard.api.users.UserRecord;
import java.time.Instant;

/** A started or refreshed session's tokens, for the response. */
public record LoggedIn(
    UserRecord user, String accessToken, Instant expiresAt, String refreshToken) {

  @Override
  public String toString() {
    return "LoggedIn[user=" + user + ", expiresAt=" + expiresAt + ", tokens hidden]";
  }
}
