package dev.shipyard.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** One {@link LocalS3Server} per test JVM, injected into test methods and constructors. */
public final class LocalS3Extension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalS3Extension.class);

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server(context);
  }

  private static LocalS3Server server(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("server", key -> new Running(), Running.class)
        .server;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalS3Server.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server(context);
  }

  /** Stops the server and deletes its data when the test JVM's root context closes. */
  private static final class Running implements ExtensionContext.Store.CloseableResource {
    private final Path dir;
    private final LocalS3Server server;

    Running() {
      try {
        dir = Files.createTempDirectory("shipyard-storage-s3");
        server = LocalS3Server.start(null, dir);
      } catch (Exception e) {
        throw new IllegalStateException("The local S3 server did not start", e);
      }
    }

    @Override
    public void close() {
      server.close();
      LocalS3Server.deleteTree(dir);
    }
  }
}
