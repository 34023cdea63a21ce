package dev.shipyard.api.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.shipyard.api.error.ApiException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The rules of {@link DeploymentRequests} that the end-to-end test does not reach: what passes. */
class DeploymentRequestsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void imageReferencesOfTheDistributionGrammarPass() {
    for (String image :
        List.of(
            "nginx",
            "nginx:1.27",
            "library/nginx:latest",
            "docker.io/library/nginx:1.27-alpine",
            "localhost:5000/team/app",
            "127.0.0.1:5000/a/b/c:v1.2.3_rc",
            "ghcr.io/org/my_app__x:V2",
            "registry.example.test/team/shop@sha256:" + "a".repeat(64),
            "registry.example.test/team/shop:2.0@sha256:" + "0".repeat(64))) {
      assertThat(DeploymentRequests.image(new TextNode(image), "image", HttpStatus.BAD_REQUEST))
          .isEqualTo(image);
    }
    for (String image :
        List.of(
            "", "Nginx", "nginx:", ":1", "nginx@sha256:12", "a//b", "-a/b", "a b", "nginx:-x")) {
      assertThatThrownBy(
              () -> DeploymentRequests.image(new TextNode(image), "image", HttpStatus.BAD_REQUEST))
          .as(image)
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> assertThat(e.error().status()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY));
    }
  }

  @Test
  void quantitiesAndDefaults() throws Exception {
    var ok =
        DeploymentRequests.resources(
            JSON.readTree("{\"cpu\":\"0.5\",\"memory\":\"1.5Gi\"}"), HttpStatus.BAD_REQUEST);
    assertThat(ok.cpu()).isEqualTo("0.5");
    assertThat(ok.memory()).isEqualTo("1.5Gi");
    for (String bad : List.of("0", "0m", "1.2.3", "12Xi", "abc", "-1")) {
      assertThatThrownBy(
              () ->
                  DeploymentRequests.resources(
                      JSON.readTree("{\"cpu\":\"" + bad + "\"}"), HttpStatus.BAD_REQUEST))
          .as(bad)
          .isInstanceOf(ApiException.class);
    }
    var check =
        DeploymentRequests.healthCheck(
            JSON.readTree("{\"path\":\"/health\"}"), HttpStatus.BAD_REQUEST);
    assertThat(check.initialDelaySeconds()).isZero();
    assertThat(check.periodSeconds()).isEqualTo(10);
    assertThat(check.timeoutSeconds()).isEqualTo(1);
    assertThat(check.failureThreshold()).isEqualTo(3);
    var created =
        DeploymentRequests.engineCreate(
            JSON.readTree("{\"app_name\":\"" + "a".repeat(40) + "\",\"image\":\"x\",\"port\":1}"));
    assertThat(created.replicas()).isEqualTo(1);
    assertThat(created.env()).isEmpty();
  }

  @Test
  void hostNamesAndUptime() throws Exception {
    assertThat(
            DeploymentsController.hostname(
                JSON.readTree("{\"domain\":\"Shop.Example.COM.\"}"), "apps.shipyard.local"))
        .isEqualTo("shop.example.com");
    assertThatThrownBy(
            () ->
                DeploymentsController.hostname(
                    JSON.readTree("{\"domain\":\"apps.shipyard.local\"}"), "apps.shipyard.local"))
        .isInstanceOf(ApiException.class);
    Instant now = Instant.parse("2026-01-01T12:00:00Z");
    assertThat(DeploymentsController.uptime(null, now)).isEqualTo("0s");
    assertThat(DeploymentsController.uptime(now.minusSeconds(7384).toEpochMilli(), now))
        .isEqualTo("2h3m4s");
    assertThat(DeploymentsController.uptime(now.minusSeconds(300).toEpochMilli(), now))
        .isEqualTo("5m0s");
  }
}
