package dev.shipyard.worker;

import dev.shipyard.activities.builds.BuildSettings;
import dev.shipyard.activities.builds.BuildWorkspaces;
import dev.shipyard.activities.builds.ProjectBuilder;
import dev.shipyard.activities.builds.ToolchainProjectBuilder;
import dev.shipyard.activities.sandbox.KubernetesJobSandbox;
import dev.shipyard.activities.sandbox.LocalSandbox;
import dev.shipyard.activities.sandbox.Sandbox;
import dev.shipyard.activities.sandbox.SandboxCommand;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where builds and analyses run (README: Builds: where they run): the {@link Sandbox} chosen by
 * {@code BUILD_SANDBOX} ({@code local}: bubblewrap and prlimit on the worker, or prlimit only where
 * bwrap cannot create namespaces; {@code kubernetes}: a Job per command), the {@link
 * ProjectBuilder} over it, and where workspaces are created.
 */
@Configuration(proxyBeanMethods = false)
class SandboxBeans {

  private static final Logger log = LoggerFactory.getLogger(SandboxBeans.class);

  /** The {@code BUILD_*} settings of {@code worker.yml}. */
  @ConfigurationProperties("shipyard.build")
  record BuildProperties(
      String sandbox,
      String dataDir,
      String workspaceRoot,
      String mavenRepository,
      String mavenMirror,
      String npmRegistry,
      String pipIndexUrl,
      String path,
      String python,
      Duration stepTimeout,
      Duration cpuTime,
      long memoryMb,
      long outputMb,
      String readOnlyPaths,
      String namespace,
      String cpuLimit,
      String workspaceClaim,
      String imageJavaMaven,
      String imageNode,
      String imagePython,
      String imageDefault) {

    Path data() {
      return blank(dataDir)
          ? Path.of(System.getProperty("java.io.tmpdir"), "shipyard-builds")
          : Path.of(dataDir);
    }

    Path workspaces() {
      return blank(workspaceRoot) ? data().resolve("workspaces") : Path.of(workspaceRoot);
    }

    /** In Kubernetes mode it must be on the shared volume: by default it is. */
    Path maven() {
      if (!blank(mavenRepository)) {
        return Path.of(mavenRepository);
      }
      return kubernetes()
          ? workspaces().resolve(".maven-repository")
          : data().resolve("maven-repository");
    }

    boolean kubernetes() {
      return "kubernetes".equalsIgnoreCase(sandbox);
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  @Bean
  BuildWorkspaces buildWorkspaces(BuildProperties properties) {
    return new BuildWorkspaces(properties.workspaces().toAbsolutePath());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "shipyard.build.sandbox", havingValue = "kubernetes")
  KubernetesClient buildKubernetesClient() {
    return new KubernetesClientBuilder().build();
  }

  @Bean
  Sandbox buildSandbox(BuildProperties properties, ObjectProvider<KubernetesClient> kubernetes) {
    if (properties.kubernetes()) {
      Map<String, String> images = new HashMap<>();
      images.put("java-maven", properties.imageJavaMaven());
      images.put("node", properties.imageNode());
      images.put("python", properties.imagePython());
      images.put("default", properties.imageDefault());
      images.values().removeIf(SandboxBeans::blank);
      if (blank(properties.workspaceClaim())) {
        throw new IllegalStateException(
            "BUILD_SANDBOX=kubernetes needs BUILD_WORKSPACE_CLAIM (a ReadWriteMany PVC mounted at"
                + " BUILD_WORKSPACE_ROOT in the worker)");
      }
      log.info(
          "Builds: Kubernetes Jobs in namespace {}, workspaces on claim {} at {}",
          properties.namespace(),
          properties.workspaceClaim(),
          properties.workspaces());
      return new KubernetesJobSandbox(
          kubernetes.getObject(),
          new KubernetesJobSandbox.Settings(
              properties.namespace(),
              images,
              properties.workspaceClaim(),
              properties.workspaces().toAbsolutePath(),
              properties.cpuLimit(),
              Duration.ofSeconds(1),
              List.of(properties.maven().toAbsolutePath())));
    }
    if (!blank(properties.sandbox()) && !"local".equalsIgnoreCase(properties.sandbox())) {
      throw new IllegalStateException(
          "BUILD_SANDBOX must be local or kubernetes, not " + properties.sandbox());
    }
    List<Path> readOnly =
        blank(properties.readOnlyPaths())
            ? List.of()
            : Arrays.stream(properties.readOnlyPaths().split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(Path::of)
                .toList();
    LocalSandbox sandbox =
        LocalSandbox.detect(
            LocalSandbox.Settings.defaults()
                .withReadOnlyPaths(readOnly)
                .withSharedPaths(List.of(properties.maven().toAbsolutePath())));
    log.info("Builds: local sandbox {}", sandbox.name());
    return sandbox;
  }

  @Bean
  ProjectBuilder projectBuilder(Sandbox sandbox, BuildProperties properties) {
    BuildSettings settings =
        new BuildSettings(
            properties.path(),
            properties.python(),
            properties.maven().toAbsolutePath(),
            properties.mavenMirror(),
            properties.npmRegistry(),
            properties.pipIndexUrl(),
            new SandboxCommand.Limits(
                properties.stepTimeout(),
                properties.cpuTime(),
                properties.memoryMb() << 20,
                properties.outputMb() << 20),
            properties.data().resolve("build-logs").toAbsolutePath(),
            null);
    return new ToolchainProjectBuilder(sandbox, settings);
  }
}
