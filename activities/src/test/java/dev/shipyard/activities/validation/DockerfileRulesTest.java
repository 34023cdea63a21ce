package dev.shipyard.activities.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.CheckStatus;
import org.junit.jupiter.api.Test;

class DockerfileRulesTest {

  @Test
  void multiStageBuildWithArgsContinuationsAndANonRootUserPasses() {
    CheckResult check =
        DockerfileRules.check(
            "Dockerfile",
            """
            # syntax=docker/dockerfile:1
            ARG PYTHON_VERSION=3.12
            FROM python:${PYTHON_VERSION}-slim AS build
            RUN pip install --no-cache-dir \\
                # a comment inside a continuation
                fastapi \\
                uvicorn

            FROM build AS runtime
            ENV APP_ENV=production SECRET_KEY=""
            USER 10001
            EXPOSE 8000
            CMD ["uvicorn", "app.main:app"]
            """,
            true);

    assertThat(check.status()).as(check.message()).isEqualTo(CheckStatus.PASSED);
    assertThat(check.message()).isEqualTo("follows the Dockerfile rules");
  }

  @Test
  void parsesContinuationsIntoOneInstructionAtItsFirstLine() {
    assertThat(DockerfileRules.parse("FROM a:1\n\nRUN x \\\n  && y\nCMD [\"z\"]\n"))
        .containsExactly(
            new DockerfileRules.Instruction(1, "FROM", "a:1"),
            new DockerfileRules.Instruction(3, "RUN", "x  && y"),
            new DockerfileRules.Instruction(5, "CMD", "[\"z\"]"));
  }

  @Test
  void latestTagsAndAMissingExposeFailWithoutBlocking() {
    CheckResult check =
        DockerfileRules.check(
            "Dockerfile", "FROM node:latest\nFROM python\nUSER app\nCMD [\"python\"]\n", true);

    assertThat(check.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(check.blocking()).isFalse();
    assertThat(check.message())
        .contains("line 1: base image node:latest uses the latest tag")
        .contains("line 2: base image python has no tag (that means latest)")
        .contains("no EXPOSE");
    assertThat(check.recommendation()).contains("pin base images");
  }

  @Test
  void noCommandOrASecretInEnvBlocks() {
    CheckResult check =
        DockerfileRules.check(
            "api/Dockerfile",
            "FROM python:3.12-slim\nENV DB_PASSWORD=hunter2hunter2\nARG API_KEY=abcd1234efgh\n",
            false);

    assertThat(check.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(check.blocking()).isTrue();
    assertThat(check.id()).isEqualTo("dockerfile.rules:api/Dockerfile");
    assertThat(check.file()).isEqualTo("api/Dockerfile");
    assertThat(check.message())
        .contains("line 2: ENV DB_PASSWORD bakes a secret into the image")
        .contains("line 3: ARG API_KEY bakes a secret into the image")
        .contains("no CMD or ENTRYPOINT")
        .contains("recommended: run as a non-root USER")
        .doesNotContain("hunter2");
  }

  @Test
  void rootUserIsOnlyANote() {
    CheckResult check =
        DockerfileRules.check(
            "Dockerfile", "FROM python:3.12-slim\nEXPOSE 8000\nCMD [\"python\"]\n", true);

    assertThat(check.status()).isEqualTo(CheckStatus.PASSED);
    assertThat(check.message()).contains("recommended: run as a non-root USER");
  }
}
