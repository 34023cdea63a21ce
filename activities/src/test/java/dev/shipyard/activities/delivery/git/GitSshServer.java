package dev.shipyard.activities.delivery.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real git remote over ssh: an in-process Apache MINA SSHD server on 127.0.0.1 with its own host
 * key, public-key authentication of one authorized key, and the git commands ({@code
 * git-upload-pack}, {@code git-receive-pack}) run by JGit on the bare repositories under a
 * directory. Every command it runs is recorded.
 */
public final class GitSshServer implements AutoCloseable {

  private final SshServer server;
  private final KeyPair hostKey;
  private final List<String> commands = new CopyOnWriteArrayList<>();

  private GitSshServer(SshServer server, KeyPair hostKey) {
    this.server = server;
    this.hostKey = hostKey;
  }

  /**
   * @param authorizedKey the one client key it accepts, as an {@code authorized_keys} line
   */
  public static GitSshServer start(Path repositories, String authorizedKey) throws Exception {
    KeyPair hostKey = ecKey();
    PublicKey accepted =
        AuthorizedKeyEntry.parseAuthorizedKeyEntry(authorizedKey.strip())
            .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    SshServer server = SshServer.setUpDefaultServer();
    GitSshServer running = new GitSshServer(server, hostKey);
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(accepted, key));
    server.setCommandFactory(
        (channel, command) -> {
          running.commands.add(command);
          return new GitCommand(repositories, command);
        });
    server.start();
    return running;
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  public int port() {
    return server.getPort();
  }

  /** {@code ssh://git@127.0.0.1:<port>/<path>}. */
  public String url(String path) {
    return "ssh://git@127.0.0.1:" + port() + "/" + path;
  }

  /** This server's line for a {@code known_hosts} file. */
  public String knownHostsLine() {
    return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
  }

  /** A {@code known_hosts} line for this address with another key (a server not the one known). */
  public String wrongKnownHostsLine() throws Exception {
    return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(ecKey().getPublic());
  }

  public List<String> commands() {
    return List.copyOf(commands);
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }

  /** {@code git-upload-pack '/path'} or {@code git-receive-pack '/path'}, run by JGit. */
  private static final class GitCommand implements Command {
    private final Path repositories;
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    GitCommand(Path repositories, String command) {
      this.repositories = repositories;
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
      this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      Thread thread = new Thread(this::run, "git-ssh-command");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      int space = command.indexOf(' ');
      String verb = space < 0 ? command : command.substring(0, space);
      String path = space < 0 ? "" : command.substring(space + 1).replace("'", "");
      Path dir = repositories.resolve(path.replaceFirst("^/+", "")).normalize();
      if (!dir.startsWith(repositories) || !dir.toFile().isDirectory()) {
        exit.onExit(128, "repository not found");
        return;
      }
      try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).build()) {
        switch (verb) {
          case "git-upload-pack" -> new UploadPack(repo).upload(in, out, err);
          case "git-receive-pack" -> new ReceivePack(repo).receive(in, out, err);
          default -> {
            exit.onExit(127, "unknown command");
            return;
          }
        }
        out.flush();
        exit.onExit(0);
      } catch (Exception e) {
        exit.onExit(1, String.valueOf(e.getMessage()));
      }
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
