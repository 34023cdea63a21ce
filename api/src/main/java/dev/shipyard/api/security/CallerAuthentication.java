package dev.shipyard.api.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A verified {@link Caller} as a Spring Security authentication. Its authorities are the caller's
 * permission names ({@code capsule:read}) and {@code ROLE_<role>}.
 */
public final class CallerAuthentication extends AbstractAuthenticationToken {

  private final Caller caller;

  public CallerAuthentication(Caller caller) {
    super(authorities(caller));
    this.caller = caller;
    setAuthenticated(true);
  }

  private static List<GrantedAuthority> authorities(Caller caller) {
    List<GrantedAuthority> authorities = new ArrayList<>();
    caller.permissions().forEach(p -> authorities.add(new SimpleGrantedAuthority(p.value())));
    authorities.add(new SimpleGrantedAuthority("ROLE_" + caller.role().name()));
    return authorities;
  }

  @Override
  public Caller getPrincipal() {
    return caller;
  }

  /** Never the token or key: credentials are not kept after verification. */
  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public String getName() {
    return caller.username();
  }
}
