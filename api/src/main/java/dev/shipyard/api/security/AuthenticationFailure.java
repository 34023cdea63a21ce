package dev.shipyard.api.security;

/**
 * Why a presented access token or API key was refused. The message is safe to show the caller: it
 * never contains the token.
 */
public final class AuthenticationFailure extends RuntimeException {

  public AuthenticationFailure(String message) {
    super(message, null, false, false);
  }
}
