package dev.shipyard.activities.delivery.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipyard.activities.delivery.DeliveryContent;
import dev.shipyard.activities.delivery.DeliveryCredentials;
import dev.shipyard.activities.delivery.DeliveryDestination;
import dev.shipyard.activities.delivery.DeliveryFailures;
import dev.shipyard.activities.delivery.git.GitDestination;
import dev.shipyard.activities.delivery.git.GitPusher;
import dev.shipyard.outbound.OutboundBreakers;
import dev.shipyard.outbound.OutboundHttp;
import dev.shipyard.workflows.delivery.DeliveryFailure;
import dev.shipyard.workflows.delivery.DeliveryTarget;
import dev.shipyard.workflows.delivery.DestinationResult;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code github} provider ({@code destination} {@code owner/repo}, credential {@code token}):
 *
 * <ol>
 *   <li>{@code GET /repos/{owner}/{repo}}; when missing, created ({@code POST /orgs/{owner}/repos}
 *       when the owner is an organization, else {@code POST /user/repos}, which needs the token's
 *       user to be the owner) with {@code private}; with {@code create_pr} it is initialised
 *       ({@code auto_init}) so that the pull request has a base;
 *   <li>the version's files committed and pushed with {@link GitPusher} to the repository's {@code
 *       clone_url} from the API: to {@code branch} (default: the repository's default branch), or
 *       with {@code create_pr} to the delivery branch {@code shipyard/<capsule>-<version>} made on
 *       top of {@code base_branch} (default: {@code branch}, else the default branch);
 *   <li>with {@code create_pr}, the open pull request of that head found ({@code GET
 *       /repos/{owner}/{repo}/pulls?head=owner:branch&state=open}) before one is created ({@code
 *       POST /repos/{owner}/{repo}/pulls}).
 * </ol>
 *
 * Every step finds what a previous attempt made (repository, commit, pull request), so a retry
 * makes no duplicate. Result: the repository's {@code html_url}; metadata {@code branch}, {@code
 * commit}, and {@code pr_url} with {@code create_pr}. {@code api_url} points at GitHub Enterprise
 * Server ({@code https://host/api/v3}) or a stand-in.
 */
public final class GitHubDestination implements DeliveryDestination {

  /** The API when the target names none. */
  public static final String DEFAULT_API_URL = "https://api.github.com";

  private static final Pattern REPOSITORY =
      Pattern.compile("([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})");

  private final GitPusher pusher;
  private final OutboundHttp http;
  private final OutboundBreakers breakers;

  /**
   * @param breakers the worker's breakers: the API of each host has one ({@code github:<host>})
   */
  public GitHubDestination(GitPusher pusher, OutboundHttp http, OutboundBreakers breakers) {
    this.pusher = pusher;
    this.http = http;
    this.breakers = breakers;
  }

  @Override
  public String mode() {
    return "github";
  }

  @Override
  public DestinationResult deliver(
      DeliveryContent content, DeliveryTarget target, DeliveryCredentials credentials) {
    Matcher m = REPOSITORY.matcher(target.destination() == null ? "" : target.destination());
    if (!m.matches() || m.group(2).equals(".") || m.group(2).equals("..")) {
      throw DeliveryFailures.of(
          DeliveryFailure.REQUEST_REJECTED,
          "A github destination is owner/repo, not " + target.destination());
    }
    String owner = m.group(1);
    String name = m.group(2).endsWith(".git") ? m.group(2).replaceAll("\\.git$", "") : m.group(2);
    credentials.require("token");
    boolean createPr = flag(target, "create_pr");
    GitHubApi api = new GitHubApi(http, apiUrl(target), credentials, breakers);
    String repoPath = "/repos/" + GitHubApi.encode(owner) + "/" + GitHubApi.encode(name);

    boolean created = false;
    JsonNode repo = api.get(repoPath).orElse(null);
    if (repo == null) {
      repo = create(api, repoPath, owner, name, flag(target, "private"), createPr);
      created = true;
    }
    String cloneUrl = text(repo, "clone_url");
    String htmlUrl = text(repo, "html_url");
    String defaultBranch =
        repo.hasNonNull("default_branch") ? repo.get("default_branch").asText() : "main";
    GitPusher.Remote remote = pusher.parse(cloneUrl);

    String branch = target.option("branch", defaultBranch);
    String base = null;
    if (createPr) {
      base = target.option("base_branch", branch);
      branch = deliveryBranch(content);
    }
    GitPusher.Pushed pushed;
    try {
      pushed =
          pusher.push(
              remote,
              branch,
              base,
              content,
              target.option("message", GitDestination.message(content)),
              GitDestination.commitTime(content),
              credentials);
    } catch (ApplicationFailure e) {
      if (created && DeliveryFailure.DESTINATION_NOT_FOUND.name().equals(e.getType())) {
        // GitHub may take a moment before a new repository answers over git: retry.
        throw DeliveryFailures.of(
            DeliveryFailure.DESTINATION_UNAVAILABLE,
            "The new repository " + owner + "/" + name + " is not reachable over git yet");
      }
      throw e;
    }

    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("branch", branch);
    metadata.put("commit", pushed.commit());
    if (createPr) {
      metadata.put("base_branch", base);
      metadata.put("pr_url", pullRequest(api, repoPath, owner, branch, base, content));
    }
    return DestinationResult.delivered(target, htmlUrl, null, null, metadata);
  }

  /** The API's root: {@code api_url}, or GitHub's; refused unless an http(s) URL with a host. */
  private static String apiUrl(DeliveryTarget target) {
    String url = target.option("api_url", DEFAULT_API_URL);
    try {
      URI uri = new URI(url);
      if (uri.getHost() != null
          && ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
          && uri.getRawUserInfo() == null
          && uri.getRawQuery() == null) {
        return url;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw DeliveryFailures.of(
        DeliveryFailure.REQUEST_REJECTED,
        "api_url must be the http(s) root of a GitHub API, such as " + DEFAULT_API_URL);
  }

  /** {@code shipyard/<capsule>-<version>}, one branch per version. */
  static String deliveryBranch(DeliveryContent content) {
    return "shipyard/"
        + (content.capsuleId() + "-" + content.versionId()).replaceAll("[^A-Za-z0-9._-]", "-");
  }

  private static JsonNode create(
      GitHubApi api,
      String repoPath,
      String owner,
      String name,
      boolean isPrivate,
      boolean initialise) {
    JsonNode user =
        api.get("/users/" + GitHubApi.encode(owner))
            .orElseThrow(
                () ->
                    DeliveryFailures.of(
                        DeliveryFailure.DESTINATION_NOT_FOUND,
                        "GitHub has no user or organization " + owner));
    boolean organization = "Organization".equals(user.path("type").asText());
    String path;
    if (organization) {
      path = "/orgs/" + GitHubApi.encode(owner) + "/repos";
    } else {
      String login =
          api.get("/user")
              .map(me -> me.path("login").asText())
              .orElseThrow(
                  () ->
                      DeliveryFailures.of(
                          DeliveryFailure.CREDENTIALS_REJECTED,
                          "GitHub does not say whose token this is"));
      if (!login.equalsIgnoreCase(owner)) {
        throw DeliveryFailures.of(
            DeliveryFailure.DESTINATION_NOT_FOUND,
            "Repository "
                + owner
                + "/"
                + name
                + " does not exist, and the token (of "
                + login
                + ") cannot create it under another user");
      }
      path = "/user/repos";
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("private", isPrivate);
    body.put("auto_init", initialise);
    body.put("description", "Delivered by Shipyard");
    try {
      return api.post(path, body)
          .orElseThrow(
              () ->
                  DeliveryFailures.of(
                      DeliveryFailure.DESTINATION_NOT_FOUND,
                      "GitHub has no " + (organization ? "organization " : "user ") + owner));
    } catch (GitHubApi.Unprocessable e) {
      // Made meanwhile (by a previous attempt whose answer was lost): use it.
      return api.get(repoPath)
          .orElseThrow(() -> DeliveryFailures.of(DeliveryFailure.REQUEST_REJECTED, e.getMessage()));
    }
  }

  private static String pullRequest(
      GitHubApi api,
      String repoPath,
      String owner,
      String head,
      String base,
      DeliveryContent content) {
    Optional<String> open = openPullRequest(api, repoPath, owner, head);
    if (open.isPresent()) {
      return open.get();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("title", "Capsule " + content.capsuleId() + " version " + content.versionId());
    body.put("head", head);
    body.put("base", base);
    body.put(
        "body",
        "Delivered by Shipyard: "
            + content.manifest().entries().size()
            + " files, manifest sha256:"
            + content.manifest().digest()
            + ".");
    try {
      return text(
          api.post(repoPath + "/pulls", body)
              .orElseThrow(
                  () ->
                      DeliveryFailures.of(
                          DeliveryFailure.DESTINATION_NOT_FOUND, "The repository is gone")),
          "html_url");
    } catch (GitHubApi.Unprocessable e) {
      // "A pull request already exists": opened meanwhile; anything else is a real refusal.
      return openPullRequest(api, repoPath, owner, head)
          .orElseThrow(() -> DeliveryFailures.of(DeliveryFailure.REQUEST_REJECTED, e.getMessage()));
    }
  }

  private static Optional<String> openPullRequest(
      GitHubApi api, String repoPath, String owner, String head) {
    JsonNode pulls =
        api.get(repoPath + "/pulls?state=open&head=" + GitHubApi.encode(owner + ":" + head))
            .orElseThrow(
                () ->
                    DeliveryFailures.of(
                        DeliveryFailure.DESTINATION_NOT_FOUND, "The repository is gone"));
    if (pulls.isArray() && !pulls.isEmpty()) {
      return Optional.of(text(pulls.get(0), "html_url"));
    }
    return Optional.empty();
  }

  private static boolean flag(DeliveryTarget target, String option) {
    return Boolean.parseBoolean(target.option(option, "false").toLowerCase(Locale.ROOT));
  }

  private static String text(JsonNode node, String field) {
    if (node == null || !node.hasNonNull(field)) {
      throw DeliveryFailures.of(
          DeliveryFailure.DESTINATION_UNAVAILABLE, "GitHub's answer has no " + field);
    }
    return node.get(field).asText();
  }
}
