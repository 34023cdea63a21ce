package dev.shipyard.activities.delivery.git;

import dev.shipyard.activities.common.Heartbeats;
import dev.shipyard.activities.delivery.DeliveryContent;
import dev.shipyard.activities.delivery.DeliveryCredentials;
import dev.shipyard.activities.delivery.DeliveryFailures;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.outbound.OutboundRefusedException;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.workflows.delivery.DeliveryFailure;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * Commits a capsule version's files to a branch of a git remote and pushes it, idempotently: the
 * commit is made in a temporary bare repository from the version's manifest (blobs streamed from
 * object storage), on top of the branch's head fetched first (none: a root commit), with a fixed
 * identity ({@link GitSettings}) and the version's time, never the clock. So the same tree on the
 * same parent is the same commit ID; a retried delivery pushes that same commit (a no-op when it
 * landed), and when the branch's head already has exactly our tree nothing new is made.
 *
 * <p>Transports: {@code https} and {@code http} (a token as the password, or a username and
 * password), {@code ssh} (a private key, and known hosts that must list the server: there is no
 * trust on first use), {@code file} only when {@link GitSettings#allowFileRemotes()}. Every network
 * host goes through the {@link OutboundGuard} when JGit connects to it. Failures are typed ({@link
 * DeliveryFailure}) and their messages carry no credential and no user information of a URL.
 */
public final class GitPusher {

  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]*@");

  private final OutboundGuard guard;
  private final GitSettings settings;

  public GitPusher(OutboundGuard guard, GitSettings settings) {
    this.guard = guard;
    this.settings = settings;
  }

  /** What a push did: the branch's head commit now, and whether this push made it. */
  public record Pushed(String commit, boolean created) {}

  /** A parsed remote: its URI (no password in it) and how it is reached. */
  public record Remote(URIish uri, Kind kind) {

    /** How a remote is reached. */
    public enum Kind {
      HTTP,
      SSH,
      FILE
    }

    /** The URL shown in results and messages: no password (http URLs carry no user either). */
    public String shown() {
      return uri.setPass(null).toString();
    }
  }

  /**
   * Parses {@code url}: {@code http(s)://host/path} (no user information: credentials come from the
   * sealed target), {@code ssh://[user@]host[:port]/path} or {@code user@host:path}, {@code
   * file:///path} or an absolute path. Anything else is a non-retryable {@code REQUEST_REJECTED}; a
   * file remote when they are not allowed is {@code OUTBOUND_REFUSED}.
   */
  public Remote parse(String url) {
    URIish uri;
    try {
      uri = new URIish(url == null ? "" : url.strip());
    } catch (URISyntaxException e) {
      throw DeliveryFailures.of(
          DeliveryFailure.REQUEST_REJECTED, "The git remote is not a valid URL: " + strip(url));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("http") || scheme.equals("https")) {
      if (uri.getUser() != null || uri.getPass() != null) {
        throw DeliveryFailures.of(
            DeliveryFailure.REQUEST_REJECTED,
            "The git remote must not carry user information (give token, or username and"
                + " password, as credentials): "
                + strip(url));
      }
      return new Remote(uri, Remote.Kind.HTTP);
    }
    if (scheme.equals("ssh") || (scheme.isEmpty() && uri.getHost() != null)) {
      if (uri.getPass() != null) {
        throw DeliveryFailures.of(
            DeliveryFailure.REQUEST_REJECTED,
            "The git remote must not carry a password: " + strip(url));
      }
      return new Remote(uri, Remote.Kind.SSH);
    }
    if (scheme.equals("file") || (scheme.isEmpty() && uri.getPath().startsWith("/"))) {
      if (!settings.allowFileRemotes()) {
        throw DeliveryFailures.of(
            DeliveryFailure.OUTBOUND_REFUSED,
            "file:// git remotes are refused: they read the worker's own disk (the operator can"
                + " allow them with DELIVERY_GIT_ALLOW_FILE_REMOTES)");
      }
      return new Remote(uri, Remote.Kind.FILE);
    }
    throw DeliveryFailures.of(
        DeliveryFailure.REQUEST_REJECTED,
        "The git remote must be an https, http, ssh or file URL: " + strip(url));
  }

  /**
   * Commits {@code content} to {@code branch} of {@code remote} and pushes it.
   *
   * @param base when {@code branch} does not exist yet, the branch whose head is the new commit's
   *     parent (a pull request's base); null: the new branch starts with a root commit
   * @param when the commit's author and committer time (the version's, for the same commit ID on
   *     every attempt)
   */
  public Pushed push(
      Remote remote,
      String branch,
      String base,
      DeliveryContent content,
      String message,
      Instant when,
      DeliveryCredentials credentials) {
    checkBranch(branch);
    if (base != null) {
      checkBranch(base);
    }
    Path work = null;
    try {
      work = Files.createTempDirectory("shipyard-git-");
      Path bare = work.resolve("repo.git");
      try (Repository repo =
              new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build();
          Connector connector = new Connector(remote, credentials, work)) {
        repo.create(true);
        String branchRef = Constants.R_HEADS + branch;
        String baseRef = base == null ? null : Constants.R_HEADS + base;
        Map<String, Ref> advertised =
            Heartbeats.during("git: listing " + remote.shown(), () -> connector.list(repo));
        Ref head = advertised.get(branchRef);
        Ref parentRef = head != null ? head : baseRef == null ? null : advertised.get(baseRef);
        if (base != null && head == null && parentRef == null) {
          throw DeliveryFailures.of(
              DeliveryFailure.REQUEST_REJECTED,
              "Neither branch "
                  + branch
                  + " nor its base "
                  + base
                  + " exists in "
                  + remote.shown());
        }
        ObjectId parent = null;
        if (parentRef != null && parentRef.getObjectId() != null) {
          String ref = parentRef.getName();
          Heartbeats.during(
              "git: fetching " + ref,
              () -> {
                connector.fetch(repo, ref);
                return null;
              });
          // What the fetch got (the branch may have moved since the listing): the parent and,
          // for the branch itself, the value the push expects to replace.
          parent = repo.exactRef(ref).getObjectId();
        }
        ObjectId parentId = parent;
        ObjectId tree = Heartbeats.during("git: writing files", () -> writeTree(repo, content));
        if (head != null && treeOf(repo, parentId).equals(tree)) {
          return new Pushed(parentId.name(), false); // the branch holds our files already
        }
        ObjectId commit = writeCommit(repo, tree, parentId, message, when);
        ObjectId expected = head == null ? ObjectId.zeroId() : parentId;
        Heartbeats.during(
            "git: pushing " + branch,
            () -> {
              connector.push(repo, commit, branchRef, expected);
              return null;
            });
        return new Pushed(commit.name(), true);
      }
    } catch (ApplicationFailure | ActivityCompletionException e) {
      throw e; // typed already, or the activity's cancel
    } catch (Exception e) {
      throw failure(e, remote, credentials);
    } finally {
      deleteTree(work);
    }
  }

  private static void checkBranch(String branch) {
    if (branch == null
        || branch.isBlank()
        || !Repository.isValidRefName(Constants.R_HEADS + branch)) {
      throw DeliveryFailures.of(
          DeliveryFailure.REQUEST_REJECTED, "Not a valid git branch name: " + branch);
    }
  }

  /** The tree of the version's files, blobs streamed from storage into the repository. */
  private static ObjectId writeTree(Repository repo, DeliveryContent content) throws IOException {
    DirCache index = DirCache.newInCore();
    DirCacheBuilder builder = index.builder();
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      for (FileManifest.Entry file : content.manifest().entries()) {
        ObjectId blob;
        try (InputStream in = content.open(file)) {
          blob = inserter.insert(Constants.OBJ_BLOB, file.size(), in);
        }
        DirCacheEntry entry;
        try {
          entry = new DirCacheEntry(file.path());
        } catch (IllegalArgumentException e) {
          throw DeliveryFailures.of(
              DeliveryFailure.REQUEST_REJECTED, "Git cannot hold the path " + file.path());
        }
        entry.setFileMode(FileMode.REGULAR_FILE);
        entry.setObjectId(blob);
        entry.setLength(file.size());
        builder.add(entry);
      }
      builder.finish();
      ObjectId tree = index.writeTree(inserter);
      inserter.flush();
      return tree;
    }
  }

  private ObjectId writeCommit(
      Repository repo, ObjectId tree, ObjectId parent, String message, Instant when)
      throws IOException {
    PersonIdent identity =
        new PersonIdent(settings.authorName(), settings.authorEmail(), when, ZoneOffset.UTC);
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(tree);
    if (parent != null) {
      commit.setParentId(parent);
    }
    commit.setAuthor(identity);
    commit.setCommitter(identity);
    commit.setMessage(message.endsWith("\n") ? message : message + "\n");
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      return id;
    }
  }

  private static ObjectId treeOf(Repository repo, ObjectId commit) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit parsed = walk.parseCommit(commit);
      return parsed.getTree().getId();
    }
  }

  /** Opens transports to one remote, configured for it: guard, credentials, timeouts. */
  private final class Connector implements AutoCloseable {
    private final Remote remote;
    private final DeliveryCredentials credentials;
    private final Path work;
    private SshdSessionFactory ssh;

    Connector(Remote remote, DeliveryCredentials credentials, Path work) {
      this.remote = remote;
      this.credentials = credentials;
      this.work = work;
    }

    /** Ends the ssh client of this push, if one was made. */
    @Override
    public void close() {
      if (ssh != null) {
        ssh.close();
      }
    }

    Map<String, Ref> list(Repository repo) throws Exception {
      try (Transport transport = open(repo);
          FetchConnection connection = transport.openFetch()) {
        return connection.getRefsMap();
      } catch (NoRemoteRepositoryException e) {
        throw e;
      } catch (TransportException e) {
        if (isEmptyRepository(e)) {
          return Map.of();
        }
        throw e;
      }
    }

    void fetch(Repository repo, String ref) throws Exception {
      try (Transport transport = open(repo)) {
        transport.setDepth(1); // the head and its tree: the history below it is not needed
        transport.fetch(NullProgressMonitor.INSTANCE, List.of(new RefSpec(ref + ":" + ref)));
      }
    }

    void push(Repository repo, ObjectId commit, String ref, ObjectId expected) throws Exception {
      RemoteRefUpdate update = new RemoteRefUpdate(repo, commit.name(), ref, false, null, expected);
      PushResult result;
      try (Transport transport = open(repo)) {
        result = transport.push(NullProgressMonitor.INSTANCE, List.of(update));
      }
      RemoteRefUpdate done = result.getRemoteUpdate(ref);
      String why = done.getMessage() == null ? "" : ": " + done.getMessage();
      switch (done.getStatus()) {
        case OK, UP_TO_DATE -> {}
        case REJECTED_REMOTE_CHANGED ->
            throw DeliveryFailures.of(
                DeliveryFailure.DESTINATION_UNAVAILABLE,
                "Branch " + ref + " of " + remote.shown() + " moved during the delivery" + why);
        default ->
            throw DeliveryFailures.of(
                DeliveryFailure.REQUEST_REJECTED,
                "The push to "
                    + ref
                    + " of "
                    + remote.shown()
                    + " was rejected ("
                    + done.getStatus().name().toLowerCase(Locale.ROOT)
                    + ")"
                    + DeliveryFailures.scrub(why, credentials));
      }
    }

    private Transport open(Repository repo) throws Exception {
      if (remote.kind() == Remote.Kind.FILE) {
        File dir = new File(remote.uri().getPath());
        if (!dir.isDirectory()) {
          throw new NoRemoteRepositoryException(remote.uri(), "no repository there");
        }
      }
      Transport transport;
      try {
        transport = Transport.open(repo, remote.uri());
      } catch (NotSupportedException e) {
        if (remote.kind() == Remote.Kind.FILE) {
          throw new NoRemoteRepositoryException(remote.uri(), "not a git repository");
        }
        throw e;
      }
      transport.setTimeout((int) Math.max(1, settings.timeout().toSeconds()));
      if (transport instanceof TransportHttp http) {
        http.setHttpConnectionFactory(new GuardedHttpConnectionFactory(guard));
        transport.setCredentialsProvider(httpCredentials());
      } else if (transport instanceof SshTransport sshTransport) {
        sshTransport.setSshSessionFactory(ssh());
      }
      return transport;
    }

    private CredentialsProvider httpCredentials() {
      var token = credentials.get("token");
      if (token.isPresent()) {
        // GitHub, GitLab and Gitea take a token as the password of any user name.
        return new UsernamePasswordCredentialsProvider(
            credentials.get("username").orElse("x-access-token"), token.get());
      }
      var user = credentials.get("username");
      var password = credentials.get("password");
      if (user.isPresent() && password.isPresent()) {
        return new UsernamePasswordCredentialsProvider(user.get(), password.get());
      }
      return null;
    }

    private SshdSessionFactory ssh() throws IOException {
      if (ssh != null) {
        return ssh;
      }
      String key = credentials.require("ssh_private_key");
      String knownHosts =
          credentials
              .get("ssh_known_hosts")
              .orElseThrow(
                  () ->
                      DeliveryFailures.of(
                          DeliveryFailure.CREDENTIALS_UNAVAILABLE,
                          "credential ssh_known_hosts is missing: an ssh remote's host key must"
                              + " be known (there is no trust on first use)"));
      Path dir = Files.createDirectory(work.resolve("ssh"));
      Path identity = ownerOnly(dir.resolve("identity"), key.strip() + "\n");
      Path hosts = ownerOnly(dir.resolve("known_hosts"), knownHosts.strip() + "\n");
      Path config =
          ownerOnly(
              dir.resolve("config"),
              "Host *\n  StrictHostKeyChecking yes\n  IdentitiesOnly yes\n"
                  + "  IdentityFile \""
                  + identity
                  + "\"\n  UserKnownHostsFile \""
                  + hosts
                  + "\"\n  PreferredAuthentications publickey\n");
      ssh =
          new SshdSessionFactoryBuilder()
              .setHomeDirectory(dir.toFile())
              .setSshDirectory(dir.toFile())
              .setConfigFile(home -> config.toFile())
              .setDefaultIdentities(home -> List.of(identity))
              .setDefaultKnownHostsFiles(home -> List.of(hosts))
              .setPreferredAuthentications("publickey")
              .setProxyDataFactory(
                  address -> {
                    check(address);
                    return null; // no proxy: connect to the address just checked
                  })
              .build(null);
      return ssh;
    }

    private void check(InetSocketAddress address) {
      try {
        if (address.isUnresolved()) {
          throw new OutboundRefusedException(
              "host " + address.getHostString() + " cannot be resolved");
        }
        guard.checkAddress(address.getHostString(), address.getAddress(), address.getPort());
      } catch (OutboundRefusedException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static Path ownerOnly(Path file, String text) throws IOException {
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static boolean isEmptyRepository(TransportException e) {
    // Some servers answer an empty repository's ref listing with no refs at all, which JGit
    // reports as an error: that is a repository with no branches yet.
    String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    return message.contains("no advertised refs") || message.contains("empty repository");
  }

  /** A typed failure for what JGit (or the guard) threw, with the message scrubbed. */
  private static ApplicationFailure failure(
      Exception e, Remote remote, DeliveryCredentials credentials) {
    OutboundRefusedException refused = cause(e, OutboundRefusedException.class);
    if (refused != null) {
      return DeliveryFailures.of(
          DeliveryFailure.OUTBOUND_REFUSED,
          "The git remote " + remote.shown() + " " + refused.getMessage());
    }
    String message = describe(e, credentials);
    if (cause(e, NoRemoteRepositoryException.class) != null) {
      return DeliveryFailures.of(
          DeliveryFailure.DESTINATION_NOT_FOUND,
          "No git repository at " + remote.shown() + ": " + message);
    }
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("not authorized")
        || lower.contains("authentication is required")
        || lower.contains("authentication not supported")
        || lower.contains("not permitted")
        || lower.contains("auth fail")
        || lower.contains("authentication failed")
        || lower.contains("no more authentication methods")
        || lower.contains("could not authenticate")
        || lower.contains("denied")) {
      return DeliveryFailures.of(
          DeliveryFailure.CREDENTIALS_REJECTED,
          "The git remote " + remote.shown() + " refused the credentials: " + message);
    }
    if (lower.contains("server key") || lower.contains("host key")) {
      return DeliveryFailures.of(
          DeliveryFailure.REQUEST_REJECTED,
          "The ssh host key of " + remote.shown() + " is not in ssh_known_hosts: " + message);
    }
    return DeliveryFailures.of(
        DeliveryFailure.DESTINATION_UNAVAILABLE,
        "The git remote " + remote.shown() + " could not be reached: " + message);
  }

  /** The exception's messages down its causes, without credentials or URL user information. */
  private static String describe(Throwable e, DeliveryCredentials credentials) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null && text.length() < 1000; t = t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (text.indexOf(m) < 0) {
        text.append(text.length() == 0 ? "" : "; ").append(m);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return strip(DeliveryFailures.scrub(text.toString(), credentials));
  }

  private static String strip(String text) {
    return text == null ? "" : USER_INFO.matcher(text).replaceAll("");
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing a delivery for
    }
  }
}
