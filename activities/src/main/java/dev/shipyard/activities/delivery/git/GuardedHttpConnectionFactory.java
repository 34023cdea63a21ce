package dev.shipyard.activities.delivery.git;

import dev.shipyard.outbound.OutboundGuard;
import java.io.IOException;
import java.net.Proxy;
import java.net.URISyntaxException;
import java.net.URL;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

/**
 * JGit's HTTP connections of one transport, each checked by the {@link OutboundGuard} at the moment
 * JGit opens it (every request, redirects included: JGit follows them itself and asks this factory
 * again): the host is resolved and every address checked, then the JDK connection is made. The
 * JDK's {@code HttpURLConnection} resolves the name again when it connects, which it answers from
 * the JVM's address cache (30 s for a positive answer by default) filled by the check moments
 * before, so a short-lived DNS answer cannot swap the address between check and connection.
 */
final class GuardedHttpConnectionFactory implements HttpConnectionFactory {

  private final OutboundGuard guard;
  private final HttpConnectionFactory delegate = new JDKHttpConnectionFactory();

  GuardedHttpConnectionFactory(OutboundGuard guard) {
    this.guard = guard;
  }

  @Override
  public HttpConnection create(URL url) throws IOException {
    return create(url, Proxy.NO_PROXY);
  }

  @Override
  public HttpConnection create(URL url, Proxy proxy) throws IOException {
    try {
      guard.resolve(url.toURI());
    } catch (URISyntaxException e) {
      throw new IOException("not a valid URL", e);
    }
    return delegate.create(url, Proxy.NO_PROXY);
  }
}
