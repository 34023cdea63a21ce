package dev.shipyard.api.config;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.Properties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The R2DBC pool, built from the same JDBC URL ({@code DATABASE_URL}) that Flyway and the worker
 * use, so an operator configures PostgreSQL once.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfig {

  @Bean(destroyMethod = "dispose")
  ConnectionPool connectionFactory(ShipyardProperties properties) {
    ShipyardProperties.Database db = properties.database();
    Properties parsed = org.postgresql.Driver.parseURL(db.url(), null);
    if (parsed == null) {
      throw new IllegalArgumentException(
          "DATABASE_URL must be a JDBC PostgreSQL URL such as jdbc:postgresql://host:5432/shipyard");
    }
    PostgresqlConnectionConfiguration.Builder config =
        PostgresqlConnectionConfiguration.builder()
            .host(parsed.getProperty("PGHOST", "localhost").split(",")[0])
            .port(Integer.parseInt(parsed.getProperty("PGPORT", "5432").split(",")[0]))
            .database(parsed.getProperty("PGDBNAME"))
            .username(db.username())
            .connectTimeout(Duration.ofSeconds(5))
            // No request waits forever on a lock or a runaway query, and a transaction left open
            // by a lost client is ended by the server.
            .options(
                java.util.Map.of(
                    "lock_timeout", "5s",
                    "statement_timeout", "30s",
                    "idle_in_transaction_session_timeout", "60s"));
    if (db.password() != null && !db.password().isEmpty()) {
      config.password(db.password());
    }
    ConnectionFactory factory = new PostgresqlConnectionFactory(config.build());
    return new ConnectionPool(
        ConnectionPoolConfiguration.builder(factory)
            .name("shipyard-api")
            .initialSize(0)
            .maxSize(20)
            .maxIdleTime(Duration.ofMinutes(10))
            .maxAcquireTime(Duration.ofSeconds(5))
            .maxValidationTime(Duration.ofSeconds(2))
            .build());
  }

  @Bean
  DatabaseClient databaseClient(ConnectionFactory connectionFactory) {
    return DatabaseClient.create(connectionFactory);
  }

  /** Transactions for multi-statement writes; the database client joins them. */
  @Bean
  TransactionalOperator transactionalOperator(ConnectionFactory connectionFactory) {
    return TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
  }
}
