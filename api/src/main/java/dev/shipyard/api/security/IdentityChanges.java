package dev.shipyard.api.security;

import dev.shipyard.api.channels.DatabaseChannels;
import org.springframework.stereotype.Component;

/**
 * Follows PostgreSQL channel {@value #CHANNEL} (on the instance's one listening connection, {@link
 * DatabaseChannels}) and drops what {@link CredentialCache} holds about each announced session,
 * user or API key. The database announces the changes itself (triggers of migration {@code V5}), on
 * commit, whichever API instance or tool made them. While {@code LISTEN} is not in force the cache
 * is bypassed.
 */
@Component
class IdentityChanges implements DatabaseChannels.Listener {

  static final String CHANNEL = "shipyard_identity";

  private final CredentialCache cache;

  IdentityChanges(DatabaseChannels channels, CredentialCache cache) {
    this.cache = cache;
    channels.register(CHANNEL, this);
  }

  @Override
  public void announced(String payload) {
    cache.apply(payload);
  }

  @Override
  public void listening(boolean again) {
    cache.listening();
  }

  @Override
  public void notListening() {
    cache.notListening();
  }
}
