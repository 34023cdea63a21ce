package dev.shipyard.api.auth;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Argon2id password hashing (Spring Security's current recommended parameters: 19 MiB, 2
 * iterations). Hashing is deliberately slow, so it runs on the bounded elastic scheduler, never on
 * the event loop.
 */
@Component
public class Passwords {

  private final Argon2PasswordEncoder encoder =
      Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();

  /**
   * A hash of a password nobody has, verified when the account does not exist so that a login takes
   * about as long either way.
   */
  private final Mono<String> decoy;

  public Passwords() {
    this.decoy = hash("decoy-password-never-used").cache();
  }

  public Mono<String> hash(String raw) {
    return Mono.fromCallable(() -> encoder.encode(raw)).subscribeOn(Schedulers.boundedElastic());
  }

  public Mono<Boolean> matches(String raw, String hash) {
    return Mono.fromCallable(() -> encoder.matches(raw, hash))
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Spends the time of one verification, for unknown accounts. */
  public Mono<Void> spendVerification(String raw) {
    return decoy.flatMap(hash -> matches(raw, hash)).then();
  }
}
