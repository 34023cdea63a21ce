package dev.shipyard.standalone;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server from embedded binaries (zonky), its data kept under the data directory
 * so it survives restarts. It can be stopped and started again on the same port and data, which the
 * tests use to show readiness failing and recovering.
 */
final class LocalPostgres implements AutoCloseable {

  static final String DATABASE = "shipyard";
  static final String USER = "postgres";

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres postgres;

  LocalPostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  synchronized void start() throws IOException, SQLException {
    postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setRegisterShutdownHook(false)
            .setServerConfig("max_connections", "100")
            .start();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (!rs.next()) {
          s.execute("CREATE DATABASE " + DATABASE);
        }
      }
    }
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  /** Stops the server; {@link #start()} brings it back with the same data. */
  synchronized void stop() throws IOException {
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
