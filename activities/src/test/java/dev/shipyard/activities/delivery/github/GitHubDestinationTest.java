package dev.shipyard.activities.delivery.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import dev.shipyard.activities.delivery.DeliveryContent;
import dev.shipyard.activities.delivery.DeliveryCredentials;
import dev.shipyard.activities.delivery.MemoryBlobStore;
import dev.shipyard.activities.delivery.git.GitHttpServer;
import dev.shipyard.activities.delivery.git.GitPusher;
import dev.shipyard.activities.delivery.git.GitReadBack;
import dev.shipyard.activities.delivery.git.GitSettings;
import dev.shipyard.outbound.OutboundBreakers;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.outbound.OutboundHttp;
import dev.shipyard.workflows.delivery.DeliveryTarget;
import dev.shipyard.workflows.delivery.DestinationResult;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The github provider against a stand-in of the GitHub REST API whose every request is validated
 * against GitHub's own OpenAPI description (npm {@code @octokit/openapi}, installed by {@code
 * .ci/run}; {@code GITHUB_OPENAPI} names another copy), while the push goes to a real git remote
 * (JGit's {@code GitServlet} over http, the token as the basic password) read back with {@code git
 * clone}.
 */
class GitHubDestinationTest {

  /** Where {@code .ci/run} installs {@code @octokit/openapi}. */
  static final Path OCTOKIT_OPENAPI =
      Path.of(
          "/opt/shipyard-octokit-openapi/node_modules/@octokit/openapi/generated/api.github.com.json");

  private static final String TOKEN = "ghp_Sh1pyardTestToken0123456789abcdef";
  private static final Instant VERSION_TIME = Instant.parse("2026-11-30T09:15:00Z");

  @TempDir static Path repositories;
  private static OpenApiInteractionValidator validator;
  private static GitHttpServer git;

  @TempDir Path work;
  private GitHubStandIn github;
  private final MemoryBlobStore blobs = new MemoryBlobStore();
  private GitHubDestination destination;

  @BeforeAll
  static void start() throws Exception {
    String configured = System.getenv("GITHUB_OPENAPI");
    Path spec = configured == null || configured.isBlank() ? OCTOKIT_OPENAPI : Path.of(configured);
    assertThat(spec)
        .as(
            "GitHub's OpenAPI description: npm install --prefix /opt/shipyard-octokit-openapi"
                + " @octokit/openapi (see .ci/run)")
        .isRegularFile();
    validator =
        OpenApiInteractionValidator.createForSpecificationUrl(spec.toUri().toString()).build();
    git = GitHttpServer.start(repositories, "x-access-token", TOKEN);
  }

  @AfterAll
  static void stop() throws Exception {
    git.close();
  }

  @BeforeEach
  void standIn() throws Exception {
    github = new GitHubStandIn(validator, TOKEN, "octocat", repositories, git::url);
    github.organization("octo-org");
    OutboundGuard guard = OutboundGuard.allowing("127.0.0.1/32");
    destination =
        new GitHubDestination(
            new GitPusher(guard, GitSettings.defaults()),
            new OutboundHttp(guard, Duration.ofSeconds(5), Duration.ofSeconds(30)),
            OutboundBreakers.withDefaults());
  }

  @AfterEach
  void noInvalidRequest() {
    github.close();
    assertThat(github.invalid()).as("requests GitHub's OpenAPI description refuses").isEmpty();
  }

  @Test
  void createsTheRepositoryPushesABranchAndOpensOnePullRequestAcrossRetries() throws Exception {
    DeliveryContent version = version("ver-1");
    DeliveryTarget target =
        new DeliveryTarget(
            0,
            "github",
            "octo-org/capsule-service",
            Map.of("create_pr", "true", "private", "true", "api_url", github.url()),
            null);

    DestinationResult first = destination.deliver(version, target, token());

    assertThat(first.success()).isTrue();
    assertThat(first.url()).isEqualTo("https://github.example/octo-org/capsule-service");
    assertThat(first.metadata())
        .containsEntry("branch", "shipyard/cap-gh-ver-1")
        .containsEntry("base_branch", "main")
        .containsEntry("pr_url", "https://github.example/octo-org/capsule-service/pull/1");
    assertThat(github.calls())
        .containsExactly(
            "GET /repos/octo-org/capsule-service",
            "GET /users/octo-org",
            "POST /orgs/octo-org/repos",
            "GET /repos/octo-org/capsule-service/pulls?state=open&head=octo-org%3Ashipyard%2Fcap-gh-ver-1",
            "POST /repos/octo-org/capsule-service/pulls");
    assertThat(github.repository("octo-org/capsule-service")).containsEntry("private", true);
    // The branch is one commit on top of the repository's initial commit, with exactly our files.
    Path clone = Files.createTempDirectory(work, "clone");
    GitReadBack.run(
        work,
        "git",
        "clone",
        "--quiet",
        "--branch",
        "shipyard/cap-gh-ver-1",
        git.url("octo-org/capsule-service.git").replace("://", "://x-access-token:" + TOKEN + "@"),
        clone.toString());
    GitReadBack.assertSameFiles(clone, version);
    assertThat(GitReadBack.git(clone, "rev-parse", "HEAD"))
        .isEqualTo(first.metadata().get("commit"));
    assertThat(GitReadBack.git(clone, "rev-parse", "HEAD^"))
        .isEqualTo(GitReadBack.git(clone, "rev-parse", "origin/main"));

    // A retry (the first attempt's answer lost): the repository, the commit and the pull request
    // are found, nothing is made twice.
    int gitRequests = git.requests().size();
    DestinationResult retry = destination.deliver(version, target, token());

    assertThat(retry.metadata()).isEqualTo(first.metadata());
    assertThat(github.pulls()).hasSize(1);
    assertThat(github.calls().subList(5, github.calls().size()))
        .containsExactly(
            "GET /repos/octo-org/capsule-service",
            "GET /repos/octo-org/capsule-service/pulls?state=open&head=octo-org%3Ashipyard%2Fcap-gh-ver-1");
    assertThat(git.requests().subList(gitRequests, git.requests().size()))
        .noneMatch(r -> r.contains("git-receive-pack"));
    assertThat(
            GitReadBack.commitCount(
                repositories.resolve("octo-org/capsule-service.git"), "shipyard/cap-gh-ver-1"))
        .isEqualTo(2);
  }

  @Test
  void aMissingRepositoryOfTheTokensUserIsCreatedAndItsBranchStartsWithOurCommit()
      throws Exception {
    DeliveryContent version = version("ver-7");
    DeliveryTarget target =
        new DeliveryTarget(0, "github", "octocat/hello", Map.of("api_url", github.url()), null);

    DestinationResult result = destination.deliver(version, target, token());

    assertThat(result.metadata()).containsEntry("branch", "main").doesNotContainKey("pr_url");
    assertThat(github.calls())
        .containsExactly(
            "GET /repos/octocat/hello", "GET /users/octocat", "GET /user", "POST /user/repos");
    assertThat(github.repository("octocat/hello")).containsEntry("private", false);
    assertThat(GitReadBack.commitCount(repositories.resolve("octocat/hello.git"), "main"))
        .isEqualTo(1);
  }

  @Test
  void aRefusedTokenIsCredentialsRejectedAndNeverShown() {
    String wrong = "ghp_wrongToken9876543210zyxwvu";

    ApplicationFailure failure =
        catchThrowableOfType(
            () ->
                destination.deliver(
                    version("ver-1"),
                    new DeliveryTarget(
                        0, "github", "octo-org/other", Map.of("api_url", github.url()), null),
                    DeliveryCredentials.of(Map.of("token", wrong))),
            ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo("CREDENTIALS_REJECTED");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("Bad credentials");
    GitReadBack.assertNoSecret(failure, wrong);
    assertThat(github.calls()).containsExactly("GET /repos/octo-org/other");
  }

  @Test
  void anApiThatIsDownIsRetryableAndItsBreakerOpens() throws Exception {
    OutboundGuard guard = OutboundGuard.allowing("127.0.0.1/32");
    GitHubDestination guarded =
        new GitHubDestination(
            new GitPusher(guard, GitSettings.defaults()),
            new OutboundHttp(guard, Duration.ofSeconds(5), Duration.ofSeconds(30)),
            new OutboundBreakers(
                new OutboundBreakers.Settings(50, 2, 2, Duration.ofMinutes(5), 1, 5)));
    DeliveryTarget target =
        new DeliveryTarget(0, "github", "octo-org/down", Map.of("api_url", github.url()), null);
    github.failWith(503);

    for (int attempt = 1; attempt <= 3; attempt++) {
      ApplicationFailure failure =
          catchThrowableOfType(
              () -> guarded.deliver(version("ver-1"), target, token()), ApplicationFailure.class);
      assertThat(failure.getType()).isEqualTo("DESTINATION_UNAVAILABLE");
      assertThat(failure.isNonRetryable()).isFalse();
    }
    // Two 503s opened the breaker: the third attempt failed without calling GitHub.
    assertThat(github.calls()).hasSize(2);
  }

  @Test
  void notOwnerSlashRepoIsRejectedBeforeAnyCall() {
    for (String bad : List.of("octo-org", "octo-org/a/b", "../x", "octo-org/..")) {
      ApplicationFailure failure =
          catchThrowableOfType(
              () ->
                  destination.deliver(
                      version("ver-1"),
                      new DeliveryTarget(0, "github", bad, Map.of("api_url", github.url()), null),
                      token()),
              ApplicationFailure.class);
      assertThat(failure.getType()).as(bad).isEqualTo("REQUEST_REJECTED");
    }
    assertThat(github.calls()).isEmpty();
  }

  @Test
  void theStandInRefusesARequestGitHubsDescriptionRefuses() throws Exception {
    // The validator is live: a repository creation without its required name is refused.
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(github.url() + "/user/repos"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Accept", "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"private\":\"yes\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(github.invalid()).singleElement().asString().contains("name");
    github.close();
    // Expected here: clear it so that the after-each check covers the other tests only.
    github = new GitHubStandIn(validator, TOKEN, "octocat", repositories, git::url);
  }

  private DeliveryContent version(String versionId) {
    return blobs.version("cap-gh", versionId, VERSION_TIME, GitReadBack.files());
  }

  private static DeliveryCredentials token() {
    return DeliveryCredentials.of(Map.of("token", TOKEN));
  }
}
