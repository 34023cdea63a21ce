package dev.shipyard.api.capsules.exports;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the exports read from a capsule and its version's files. */
class ServiceProfileTest {

  @Test
  void theVersionsDockerfileDecidesPortAndHealthPathOverTheStackDefaults() {
    ServiceProfile own = Profiles.fastApi("x");
    assertThat(own.port()).isEqualTo(8000);
    assertThat(own.healthPath()).isEqualTo("/healthz");
    assertThat(own.envKeys()).containsExactly("JWT_SECRET", "DATABASE_URL");

    ServiceProfile moved =
        Profiles.of(
            "svc",
            "x",
            "python",
            "fastapi",
            "FROM python:3.12-slim\n  expose 9100/tcp\nHEALTHCHECK \\\n"
                + "  CMD curl -f http://localhost:9100/status/live || exit 1\n",
            null,
            "Dockerfile");
    assertThat(moved.port()).isEqualTo(9100);
    assertThat(moved.healthPath()).isEqualTo("/status/live");

    ServiceProfile none = Profiles.of("svc", "x", "python", "fastapi", null, null, "main.py");
    assertThat(none.port()).isEqualTo(8000);
    assertThat(none.healthPath()).isEqualTo("/health");
    assertThat(Profiles.spring().port()).isEqualTo(8080);
    assertThat(Profiles.spring().healthPath()).isEqualTo("/actuator/health");
    assertThat(Profiles.express().port()).isEqualTo(3000);
  }

  @Test
  void theNameIsDnsSafeAndFallsBackToThePlansName() {
    assertThat(ServiceProfile.dnsName("User Management Service"))
        .isEqualTo("user-management-service");
    assertThat(ServiceProfile.dnsName("--42__Things--")).isEqualTo("app-42-things");
    assertThat(ServiceProfile.dnsName("ÄÖÜ")).isEqualTo("capsule");
    assertThat(ServiceProfile.dnsName("a".repeat(100))).hasSize(ServiceProfile.MAX_NAME);
    assertThat(ServiceProfile.dnsName("abc-" + "d".repeat(35) + "-xyz"))
        .hasSizeLessThanOrEqualTo(ServiceProfile.MAX_NAME)
        .doesNotEndWith("-");
    assertThat(Profiles.of(null, "x", "python", "", null, null, "main.py").name())
        .isEqualTo("from-the-plan");
    assertThat(Profiles.of("  ", "x", "python", "", null, null, "main.py").name())
        .isEqualTo("from-the-plan");
  }
}
