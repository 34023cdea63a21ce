package dev.shipyard.api.config;

import dev.shipyard.storage.S3Settings;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Everything the API reads from its environment (README: Configuration). */
@ConfigurationProperties("shipyard")
public record ShipyardProperties(
    Database database, S3Settings storage, Redis redis, Http http, Temporal temporal) {

  /** PostgreSQL, as one JDBC URL shared with Flyway and the worker. */
  public record Database(String url, String username, String password) {}

  /** Redis for distributed rate limits; empty means in-memory. */
  public record Redis(String url) {
    public boolean configured() {
      return url != null && !url.isBlank();
    }
  }

  /** HTTP behaviour shared by every route. */
  public record Http(List<String> corsOrigins, DataSize maxRequestBody) {}

  /** What the API needs to know about Temporal beyond the starter's connection settings. */
  public record Temporal(String namespace) {}
}
