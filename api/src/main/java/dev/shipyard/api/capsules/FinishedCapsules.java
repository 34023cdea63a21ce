package dev.shipyard.api.capsules;

import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.CredentialCache;
import dev.shipyard.api.security.RowCache;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What {@code GET /capsule/{id}} shows of finished capsules (stored, failed, cancelled), from
 * memory as a {@link RowCache}: a finished run never changes (the projection keeps closed runs
 * closed), and any later change or deletion of the capsule row is announced by the database ({@code
 * capsule:<id>}, migration V6_2); a writer on this instance calls {@link CredentialCache#changed}
 * itself. Capsules still running are never remembered. Visibility is checked on every read against
 * the remembered tenant and owner (404 as from the database).
 */
@Component
class FinishedCapsules {

  private final RowCache<String, CapsuleRecord> rows;

  FinishedCapsules(AuthProperties properties, CredentialCache credentials) {
    this.rows = new RowCache<>(properties, credentials, Set.of("capsule"), Function.identity());
  }

  /** The capsule as {@code load} reads it for {@code caller}, from memory when it may be. */
  Mono<CapsuleRecord> get(Caller caller, String id, Supplier<Mono<CapsuleRecord>> load) {
    CapsuleRecord cached = rows.peek(id);
    if (cached != null) {
      return caller.canSee(cached.tenantId(), cached.ownerId())
          ? Mono.just(cached)
          : Mono.error(CapsuleController.notFound(id));
    }
    return rows.get(id, load, CapsuleRecord::finished);
  }
}
