package dev.shipyard.api.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a pod's log text becomes lines: the kubelet's timestamps, the guessed levels. */
class DeploymentLogsTest {

  @Test
  void linesKeepTheKubeletsTimestampAndAContinuationKeepsThePrevious() {
    List<DeploymentLogs.Read> lines =
        DeploymentLogs.parse(
            "web-1",
            "2026-01-01T12:00:00.123456789Z Listening on port 8080\n"
                + "\tat com.example.Main.main(Main.java:3)\n"
                + "\n"
                + "2026-01-01T12:00:01Z ERROR boom\r\n");
    assertThat(lines)
        .extracting(DeploymentLogs.Read::message)
        .containsExactly(
            "Listening on port 8080", "\tat com.example.Main.main(Main.java:3)", "ERROR boom");
    assertThat(lines.get(0).at()).isEqualTo(Instant.parse("2026-01-01T12:00:00.123456789Z"));
    assertThat(lines.get(1).at()).isEqualTo(lines.get(0).at());
    assertThat(lines.get(2).line().timestamp()).isEqualTo("2026-01-01T12:00:01Z");
    assertThat(lines.get(2).line().source()).isEqualTo("web-1");
    assertThat(DeploymentLogs.parse("web-1", "")).isEmpty();
    assertThat(DeploymentLogs.parse("web-1", null)).isEmpty();
  }

  @Test
  void theLevelIsGuessedFromWholeWords() {
    assertThat(DeploymentLogs.level("ERROR connection refused")).isEqualTo("error");
    assertThat(DeploymentLogs.level("java.lang.IllegalStateException: x")).isEqualTo("info");
    assertThat(DeploymentLogs.level("Unhandled exception in worker")).isEqualTo("error");
    assertThat(DeploymentLogs.level("request failed after 3 retries")).isEqualTo("error");
    assertThat(DeploymentLogs.level("[WARN] slow")).isEqualTo("warn");
    assertThat(DeploymentLogs.level("level=warning msg=disk")).isEqualTo("warn");
    assertThat(DeploymentLogs.level("DEBUG cache warmed")).isEqualTo("debug");
    assertThat(DeploymentLogs.level("GET /health 200")).isEqualTo("info");
    assertThat(DeploymentLogs.level("no errors found")).isEqualTo("info");
  }

  @Test
  void sinceTimeIsSentToTheSecond() {
    assertThat(DeploymentLogs.rfc3339(Instant.parse("2026-01-01T12:00:00.999Z")))
        .isEqualTo("2026-01-01T12:00:00Z");
  }
}
