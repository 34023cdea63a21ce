package dev.shipyard.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.builds.BuildWorkspaces;
import dev.shipyard.activities.builds.ProjectBuilder;
import dev.shipyard.activities.builds.ToolchainProjectBuilder;
import dev.shipyard.activities.sandbox.KubernetesJobSandbox;
import dev.shipyard.activities.sandbox.LocalSandbox;
import dev.shipyard.activities.sandbox.Sandbox;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The sandbox beans from worker.yml's BUILD_* settings and their defaults. */
class SandboxBeansTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(SandboxBeans.BuildProperties.class)
  static class Properties {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withInitializer(new ConfigDataApplicationContextInitializer())
          .withPropertyValues("spring.config.name=worker")
          .withUserConfiguration(Properties.class, SandboxBeans.class);

  @Test
  void localByDefault() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(Sandbox.class)).isInstanceOf(LocalSandbox.class);
          assertThat(context.getBean(Sandbox.class).name()).isEqualTo("bubblewrap+prlimit");
          assertThat(context.getBean(ProjectBuilder.class))
              .isInstanceOf(ToolchainProjectBuilder.class);
          assertThat(
                  context
                      .getBean(BuildWorkspaces.class)
                      .root()
                      .endsWith(Path.of("shipyard-builds", "workspaces")))
              .isTrue();
          SandboxBeans.BuildProperties properties =
              context.getBean(SandboxBeans.BuildProperties.class);
          assertThat(properties.memoryMb()).isEqualTo(8192);
          assertThat(properties.mavenMirror()).isEqualTo("https://repo.maven.apache.org/maven2");
          assertThat(properties.imagePython()).isEqualTo("python:3.12-slim-bookworm");
        });
  }

  @Test
  void kubernetesNeedsTheWorkspaceClaim() {
    runner
        .withPropertyValues("BUILD_SANDBOX=kubernetes")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("BUILD_WORKSPACE_CLAIM"));
  }

  @Test
  void kubernetesJobsWhenConfigured() {
    runner
        .withPropertyValues(
            "BUILD_SANDBOX=kubernetes",
            "BUILD_WORKSPACE_CLAIM=shipyard-workspaces",
            "BUILD_WORKSPACE_ROOT=/srv/workspaces",
            "BUILD_NAMESPACE=builds")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(Sandbox.class)).isInstanceOf(KubernetesJobSandbox.class);
              assertThat(context.getBean(Sandbox.class).name()).isEqualTo("kubernetes-job");
              assertThat(context.getBean(BuildWorkspaces.class).root())
                  .isEqualTo(Path.of("/srv/workspaces"));
            });
  }

  @Test
  void anUnknownSandboxIsRefused() {
    runner
        .withPropertyValues("BUILD_SANDBOX=docker")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("local or kubernetes"));
  }
}
