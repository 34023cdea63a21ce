package dev.shipyard.activities.delivery.github;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A stand-in of the GitHub REST API (GitHub itself cannot run here): the handful of operations a
 * delivery uses, with GitHub's statuses and bodies, and state (users and organizations,
 * repositories, pull requests). Every request is first validated against GitHub's own OpenAPI
 * description ({@code @octokit/openapi}, {@code api.github.com.json}) with the
 * swagger-request-validator: an invalid request is answered 400 and recorded in {@link #invalid()},
 * which the tests require empty. A repository's {@code clone_url} points at a real git remote
 * ({@code GitServlet}): a created repository is a bare repository there, with GitHub's initial
 * commit when {@code auto_init} is asked for.
 */
final class GitHubStandIn implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GITHUB_JSON = "application/vnd.github+json";
  private static final Pattern REPO = Pattern.compile("/repos/([^/]+)/([^/]+)");
  private static final Pattern PULLS = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls");
  private static final Pattern USER = Pattern.compile("/users/([^/]+)");
  private static final Pattern ORG_REPOS = Pattern.compile("/orgs/([^/]+)/repos");

  private final OpenApiInteractionValidator validator;
  private final HttpServer server;
  private final String token;
  private final String login;
  private final Path repositories;
  private final Function<String, String> cloneUrl;
  private final Map<String, String> owners = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> repos = new ConcurrentHashMap<>();
  private final List<Map<String, Object>> pulls = new CopyOnWriteArrayList<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final List<String> invalid = new CopyOnWriteArrayList<>();
  private volatile int failing;

  /**
   * @param login the token's user (also a user account)
   * @param cloneUrl the git URL of {@code owner/name.git}
   */
  GitHubStandIn(
      OpenApiInteractionValidator validator,
      String token,
      String login,
      Path repositories,
      Function<String, String> cloneUrl)
      throws IOException {
    this.validator = validator;
    this.token = token;
    this.login = login;
    this.repositories = repositories;
    this.cloneUrl = cloneUrl;
    owners.put(login, "User");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** From now on every (valid, authenticated) request is answered {@code status}; 0: served. */
  void failWith(int status) {
    failing = status;
  }

  void organization(String name) {
    owners.put(name, "Organization");
  }

  /** Every request: {@code METHOD path[?query]}. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  /** Validation reports of requests GitHub's description refuses. */
  List<String> invalid() {
    return List.copyOf(invalid);
  }

  List<Map<String, Object>> pulls() {
    return List.copyOf(pulls);
  }

  Map<String, Object> repository(String fullName) {
    return repos.get(fullName);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      byte[] body = exchange.getRequestBody().readAllBytes();
      calls.add(method + " " + path + (query == null ? "" : "?" + query));

      // What GitHub's REST documentation requires beyond the description: its media type and
      // an API version it serves.
      if (!GITHUB_JSON.equals(exchange.getRequestHeaders().getFirst("Accept"))
          || !"2022-11-28".equals(exchange.getRequestHeaders().getFirst("X-GitHub-Api-Version"))) {
        invalid.add(method + " " + path + ": Accept or X-GitHub-Api-Version missing or wrong");
      }
      ValidationReport report = validator.validateRequest(request(exchange, body));
      if (report.hasErrors()) {
        invalid.add(
            method + " " + path + ": " + SimpleValidationReportFormat.getInstance().apply(report));
        send(exchange, 400, Map.of("message", "Invalid request (GitHub's OpenAPI description)"));
        return;
      }
      if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        send(
            exchange,
            401,
            Map.of(
                "message",
                "Bad credentials",
                "documentation_url",
                "https://docs.github.com/rest",
                "status",
                "401"));
        return;
      }
      if (failing > 0) {
        send(exchange, failing, Map.of("message", "Service unavailable"));
        return;
      }
      route(exchange, method, path, query, body);
    } catch (RuntimeException e) {
      invalid.add("stand-in failure: " + e);
      send(exchange, 500, Map.of("message", "stand-in failure"));
    }
  }

  private static Request request(HttpExchange exchange, byte[] body) {
    SimpleRequest.Builder builder =
        new SimpleRequest.Builder(
            exchange.getRequestMethod(), exchange.getRequestURI().getRawPath());
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) ->
                builder.withHeader(
                    name,
                    // GitHub's media type for its JSON, which its documentation asks clients to
                    // send; the description models the same bodies as application/json.
                    name.equalsIgnoreCase("Accept")
                        ? values.stream()
                            .map(v -> v.equals(GITHUB_JSON) ? "application/json" : v)
                            .toList()
                        : values));
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        builder.withQueryParam(name, value);
      }
    }
    if (body.length > 0) {
      builder.withBody(body);
    }
    return builder.build();
  }

  private void route(HttpExchange exchange, String method, String path, String query, byte[] body)
      throws IOException {
    Matcher m;
    if (method.equals("GET") && path.equals("/user")) {
      send(exchange, 200, owner(login));
    } else if (method.equals("GET") && (m = USER.matcher(path)).matches()) {
      String name = m.group(1);
      if (owners.containsKey(name)) {
        send(exchange, 200, owner(name));
      } else {
        notFound(exchange);
      }
    } else if (method.equals("POST") && path.equals("/user/repos")) {
      create(exchange, login, JSON.readTree(body));
    } else if (method.equals("POST") && (m = ORG_REPOS.matcher(path)).matches()) {
      if (!"Organization".equals(owners.get(m.group(1)))) {
        notFound(exchange);
      } else {
        create(exchange, m.group(1), JSON.readTree(body));
      }
    } else if ((m = PULLS.matcher(path)).matches()) {
      String fullName = m.group(1) + "/" + m.group(2);
      if (!repos.containsKey(fullName)) {
        notFound(exchange);
      } else if (method.equals("GET")) {
        listPulls(exchange, fullName, query);
      } else if (method.equals("POST")) {
        createPull(exchange, fullName, JSON.readTree(body));
      } else {
        send(exchange, 405, Map.of("message", "Method not allowed"));
      }
    } else if (method.equals("GET") && (m = REPO.matcher(path)).matches()) {
      Map<String, Object> repo = repos.get(m.group(1) + "/" + m.group(2));
      if (repo == null) {
        notFound(exchange);
      } else {
        send(exchange, 200, repo);
      }
    } else {
      notFound(exchange);
    }
  }

  private Map<String, Object> owner(String name) {
    Map<String, Object> owner = new LinkedHashMap<>();
    owner.put("login", name);
    owner.put("id", Math.abs(name.hashCode()));
    owner.put("type", owners.get(name));
    owner.put("html_url", "https://github.example/" + name);
    return owner;
  }

  private void create(HttpExchange exchange, String owner, JsonNode body) throws IOException {
    String name = body.path("name").asText();
    String fullName = owner + "/" + name;
    if (repos.containsKey(fullName)) {
      send(
          exchange,
          422,
          Map.of(
              "message",
              "Repository creation failed.",
              "errors",
              List.of(
                  Map.of(
                      "resource",
                      "Repository",
                      "code",
                      "custom",
                      "field",
                      "name",
                      "message",
                      "name already exists on this account"))));
      return;
    }
    Path dir = repositories.resolve(owner).resolve(name + ".git");
    try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
      repo.create(true);
      if (body.path("auto_init").asBoolean(false)) {
        initialCommit(repo, name);
      }
    }
    Map<String, Object> repo = new LinkedHashMap<>();
    repo.put("id", repos.size() + 1);
    repo.put("name", name);
    repo.put("full_name", fullName);
    repo.put("private", body.path("private").asBoolean(false));
    repo.put("owner", owner(owner));
    repo.put("html_url", "https://github.example/" + fullName);
    repo.put("clone_url", cloneUrl.apply(fullName + ".git"));
    repo.put("default_branch", "main");
    repos.put(fullName, repo);
    send(exchange, 201, repo);
  }

  /** What GitHub's {@code auto_init} makes: one commit on the default branch with a README. */
  private static void initialCommit(Repository repo, String name) throws IOException {
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      ObjectId readme =
          inserter.insert(
              Constants.OBJ_BLOB, ("# " + name + "\n").getBytes(StandardCharsets.UTF_8));
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      DirCacheEntry entry = new DirCacheEntry("README.md");
      entry.setFileMode(FileMode.REGULAR_FILE);
      entry.setObjectId(readme);
      builder.add(entry);
      builder.finish();
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(index.writeTree(inserter));
      PersonIdent github =
          new PersonIdent("GitHub", "noreply@github.com", Instant.now(), ZoneOffset.UTC);
      commit.setAuthor(github);
      commit.setCommitter(github);
      commit.setMessage("Initial commit\n");
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      RefUpdate update = repo.updateRef("refs/heads/main");
      update.setNewObjectId(id);
      update.update();
    }
  }

  private void listPulls(HttpExchange exchange, String fullName, String query) throws IOException {
    Map<String, String> params = new LinkedHashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        params.put(
            pair.substring(0, eq),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    List<Map<String, Object>> found = new ArrayList<>();
    for (Map<String, Object> pull : pulls) {
      boolean sameRepo = fullName.equals(pull.get("repository"));
      boolean open =
          !"open".equals(params.getOrDefault("state", "open")) || "open".equals(pull.get("state"));
      boolean head =
          !params.containsKey("head") || params.get("head").equals(pull.get("head_label"));
      if (sameRepo && open && head) {
        found.add(view(pull));
      }
    }
    send(exchange, 200, found);
  }

  private void createPull(HttpExchange exchange, String fullName, JsonNode body)
      throws IOException {
    String owner = fullName.substring(0, fullName.indexOf('/'));
    String head = body.path("head").asText();
    String label = head.contains(":") ? head : owner + ":" + head;
    for (Map<String, Object> pull : pulls) {
      if (fullName.equals(pull.get("repository"))
          && label.equals(pull.get("head_label"))
          && "open".equals(pull.get("state"))) {
        send(
            exchange,
            422,
            Map.of(
                "message",
                "Validation Failed",
                "errors",
                List.of(
                    Map.of(
                        "resource",
                        "PullRequest",
                        "code",
                        "custom",
                        "message",
                        "A pull request already exists for " + label + "."))));
        return;
      }
    }
    Path dir = repositories.resolve(fullName + ".git");
    try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).build()) {
      String branch = label.substring(label.indexOf(':') + 1);
      String base = body.path("base").asText();
      if (repo.resolve("refs/heads/" + branch) == null
          || repo.resolve("refs/heads/" + base) == null) {
        send(
            exchange,
            422,
            Map.of(
                "message",
                "Validation Failed",
                "errors",
                List.of(Map.of("resource", "PullRequest", "field", "head", "code", "invalid"))));
        return;
      }
    }
    int number = pulls.size() + 1;
    Map<String, Object> pull = new LinkedHashMap<>();
    pull.put("repository", fullName);
    pull.put("number", number);
    pull.put("state", "open");
    pull.put("title", body.path("title").asText());
    pull.put("head_label", label);
    pull.put("base_ref", body.path("base").asText());
    pull.put("html_url", "https://github.example/" + fullName + "/pull/" + number);
    pulls.add(pull);
    send(exchange, 201, view(pull));
  }

  private static Map<String, Object> view(Map<String, Object> pull) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("number", pull.get("number"));
    view.put("state", pull.get("state"));
    view.put("title", pull.get("title"));
    view.put("html_url", pull.get("html_url"));
    String label = (String) pull.get("head_label");
    view.put("head", Map.of("label", label, "ref", label.substring(label.indexOf(':') + 1)));
    view.put("base", Map.of("ref", pull.get("base_ref")));
    return view;
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    send(
        exchange,
        404,
        Map.of(
            "message",
            "Not Found",
            "documentation_url",
            "https://docs.github.com/rest",
            "status",
            "404"));
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
