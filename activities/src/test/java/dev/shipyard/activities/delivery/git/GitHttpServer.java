package dev.shipyard.activities.delivery.git;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.resolver.FileResolver;

/**
 * A real git remote over HTTP: JGit's {@code GitServlet} (smart HTTP, upload-pack and receive-pack)
 * on Jetty 12, serving the bare repositories under a directory at {@code /git/<path>}, behind HTTP
 * basic authentication (one user). A repository whose directory name starts with {@code protected}
 * refuses every push, as a protected branch does. Every request line is recorded.
 */
public final class GitHttpServer implements AutoCloseable {

  private final Server server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private GitHttpServer(Server server) {
    this.server = server;
  }

  public static GitHttpServer start(Path repositories, String user, String password)
      throws Exception {
    Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
    GitHttpServer running = new GitHttpServer(server);
    GitServlet git = new GitServlet();
    git.setRepositoryResolver(new FileResolver<>(repositories.toFile(), true));
    git.setReceivePackFactory(
        (request, repository) -> {
          if (request.getRemoteUser() == null) {
            throw new org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException();
          }
          ReceivePack receive = new ReceivePack(repository);
          if (name(repository).startsWith("protected")) {
            receive.setPreReceiveHook(
                (rp, commands) ->
                    commands.forEach(
                        c ->
                            c.setResult(
                                ReceiveCommand.Result.REJECTED_OTHER_REASON, "protected branch")));
          }
          return receive;
        });
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addFilter(
        new FilterHolder(new BasicAuth(user, password, running.requests)),
        "/*",
        EnumSet.allOf(jakarta.servlet.DispatcherType.class));
    context.addServlet(new ServletHolder(git), "/git/*");
    server.setHandler(context);
    server.start();
    return running;
  }

  private static String name(Repository repository) {
    return repository.getDirectory().getName();
  }

  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** {@code http://127.0.0.1:<port>/git/<path>}. */
  public String url(String path) {
    return "http://127.0.0.1:" + port() + "/git/" + path;
  }

  /** Every request so far: {@code METHOD /path?query user-or-anonymous}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** HTTP basic authentication; the user becomes the request's remote user. */
  private static final class BasicAuth implements Filter {
    private final String expected;
    private final String user;
    private final List<String> log;

    BasicAuth(String user, String password, List<String> log) {
      this.user = user;
      this.expected =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      this.log = log;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest request = (HttpServletRequest) req;
      HttpServletResponse response = (HttpServletResponse) res;
      boolean ok = expected.equals(request.getHeader("Authorization"));
      log.add(
          request.getMethod()
              + " "
              + request.getRequestURI()
              + (request.getQueryString() == null ? "" : "?" + request.getQueryString())
              + (ok ? " " + user : " anonymous"));
      if (!ok) {
        response.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
        response.sendError(401);
        return;
      }
      chain.doFilter(
          new HttpServletRequestWrapper(request) {
            @Override
            public String getRemoteUser() {
              return user;
            }
          },
          res);
    }
  }
}
