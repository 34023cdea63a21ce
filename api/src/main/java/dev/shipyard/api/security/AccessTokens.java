package dev.shipyard.api.security;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Issues and verifies the HS256 access tokens. Claims: {@code sub} (username), {@code role}, {@code
 * permissions} (builds-analysis-api.md), {@code iat}, {@code exp}, plus {@code jti}, {@code
 * tenant}, {@code uid} (user ID) and {@code sid} (login session, so logout revokes the token).
 * Verification accepts HS256 only: {@code alg: none} and any other algorithm are rejected. Times
 * (issue, expiry, and the expiry check with the default 60 s skew) come from the API's {@link
 * Clock}.
 */
@Component
public class AccessTokens {

  public static final String ISSUER = "shipyard";

  private final AuthProperties properties;
  private final NimbusJwtEncoder encoder;
  private final NimbusReactiveJwtDecoder decoder;
  private final Clock clock;

  public AccessTokens(AuthProperties properties, Clock clock) {
    this.properties = properties;
    this.clock = clock;
    SecretKey key =
        new SecretKeySpec(properties.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));
    this.decoder =
        NimbusReactiveJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
    JwtTimestampValidator times = new JwtTimestampValidator();
    times.setClock(clock);
    this.decoder.setJwtValidator(
        JwtValidators.createDefaultWithValidators(times, new JwtIssuerValidator(ISSUER)));
  }

  /** An issued access token and when it expires. */
  public record Issued(String token, Instant expiresAt) {}

  public Issued issue(
      UUID userId,
      String username,
      String tenantId,
      Role role,
      List<String> permissions,
      UUID sessionId) {
    Instant now = clock.instant();
    Instant expiresAt = now.plus(properties.accessTokenTtl());
    JwtClaimsSet claims =
        JwtClaimsSet.builder()
            .issuer(ISSUER)
            .subject(username)
            .id(Secrets.uuid().toString())
            .issuedAt(now)
            .expiresAt(expiresAt)
            .claim("role", role.value())
            .claim("permissions", permissions)
            .claim("tenant", tenantId)
            .claim("uid", userId.toString())
            .claim("sid", sessionId.toString())
            .build();
    String token =
        encoder
            .encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
            .getTokenValue();
    return new Issued(token, expiresAt);
  }

  /** The verified claims, or an error if the signature, algorithm, issuer or times are wrong. */
  public Mono<Jwt> verify(String token) {
    return decoder.decode(token);
  }
}
