package dev.shipyard.api.capsules.exports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shipyard.api.error.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The docker export: the version's own Dockerfile or one for its stack, and a compose file that
 * Debian's {@code docker-compose config -q} accepts (and that it refuses once broken).
 */
class DockerExporterTest {

  private final DockerExporter exporter = new DockerExporter(null);

  @TempDir Path dir;

  @Test
  void theCapsulesOwnDockerfileIsUsedAndTheComposeFilePassesDockerCompose() throws Exception {
    ServiceProfile profile = Profiles.fastApi("A user service");
    CapsuleExport export = exporter.files(profile);
    assertThat(export.docker().dockerfileSource()).isEqualTo("capsule");
    assertThat(export.docker().image()).isEqualTo("user-management-service:v3");
    assertThat(export.docker().port()).isEqualTo(8000);
    assertThat(export.files().get(0).path()).isEqualTo("Dockerfile");
    assertThat(export.files().get(0).content()).isEqualTo(profile.dockerfile());

    Path compose = write(export);
    Result result = composeConfig(compose);
    assertThat(result.exit()).as(result.output()).isZero();

    Map<String, Object> service = service(export);
    assertThat(service.get("image")).isEqualTo("user-management-service:v3");
    assertThat(service.get("ports")).isEqualTo(List.of("8000:8000"));
    assertThat(service.get("build")).isEqualTo(Map.of("context", ".", "dockerfile", "Dockerfile"));
    @SuppressWarnings("unchecked")
    Map<String, Object> environment = (Map<String, Object>) service.get("environment");
    // PORT given; the .env.example names passed through from the shell, never their values.
    assertThat(environment).containsEntry("PORT", "8000");
    assertThat(environment).containsOnlyKeys("PORT", "JWT_SECRET", "DATABASE_URL");
    assertThat(environment.get("JWT_SECRET")).isNull();
    assertThat(HelmExporterTest.at(service, "healthcheck", "test").toString())
        .contains("http://127.0.0.1:8000/healthz'");
  }

  @Test
  void eachStackWithoutADockerfileGetsANonRootOneWithAHealthcheck() throws Exception {
    for (ServiceProfile profile :
        List.of(
            Profiles.of(
                "py", "x", "python", "fastapi", null, null, "app/main.py", "requirements.txt"),
            Profiles.express(),
            Profiles.spring(),
            Profiles.goService())) {
      CapsuleExport export = exporter.files(profile);
      assertThat(export.docker().dockerfileSource()).isEqualTo("generated");
      String dockerfile = export.files().get(0).content();
      assertThat(dockerfile)
          .as(profile.language())
          .startsWith("FROM ")
          .contains("USER " + ServiceProfile.RUN_AS_USER)
          .contains("EXPOSE " + profile.port() + "\n")
          .contains("HEALTHCHECK ")
          .contains(profile.healthPath())
          .doesNotContain(":latest");
      Path compose = write(export, Files.createDirectories(dir.resolve(profile.name())));
      Result result = composeConfig(compose);
      assertThat(result.exit()).as(profile.language() + ": " + result.output()).isZero();
    }
    assertThat(
            exporter
                .files(Profiles.of("py", "x", "python", "fastapi", null, null, "app/main.py"))
                .files()
                .get(0)
                .content())
        .contains("\"uvicorn\", \"app.main:app\"")
        .contains("RUN pip install fastapi")
        .doesNotContain("requirements.txt");
  }

  @Test
  void anUnknownLanguageWithoutADockerfileIs422() {
    assertThatThrownBy(
            () -> exporter.files(Profiles.of("c", "x", "cobol", "", null, null, "main.cbl")))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("cobol")
        .hasMessageContaining("python");
  }

  @Test
  void aHostileNameAndDescriptionDoNotBreakTheComposeFile() throws Exception {
    ServiceProfile profile =
        Profiles.of(
            "x\"\n  evil: ${HOME}",
            Profiles.HOSTILE,
            "python",
            "fastapi",
            null,
            "A=1\nEVIL=${HOME}\n  $(rm -rf /)=x\n",
            "app/main.py");
    CapsuleExport export = exporter.files(profile);
    Result result = composeConfig(write(export));
    assertThat(result.exit()).as(result.output()).isZero();
    Map<String, Object> compose = yaml(export.files().get(1).content());
    assertThat(HelmExporterTest.at(compose, "services")).isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> services = (Map<String, Object>) compose.get("services");
    assertThat(services).containsOnlyKeys("x-evil-home");
    assertThat(HelmExporterTest.at(services, "x-evil-home", "environment"))
        .isEqualTo(mapOf("PORT", "8000", "A", null, "EVIL", null));
  }

  @Test
  void aBrokenComposeFileFailsDockerComposeConfigSoTheCheckIsReal() throws Exception {
    CapsuleExport export = exporter.files(Profiles.fastApi("x"));
    Path compose = write(export);
    Files.writeString(
        compose,
        Files.readString(compose).replace("restart: unless-stopped", "restart: [unless-stopped"));
    assertThat(composeConfig(compose).exit()).isNotZero();
    Files.writeString(compose, export.files().get(1).content().replace("ports:", "portz:"));
    assertThat(composeConfig(compose).exit()).isNotZero();
  }

  private Path write(CapsuleExport export) throws IOException {
    return write(export, dir);
  }

  private static Path write(CapsuleExport export, Path root) throws IOException {
    for (CapsuleExport.ExportedFile file : export.files()) {
      Files.writeString(root.resolve(file.path()), file.content(), StandardCharsets.UTF_8);
    }
    return root.resolve("docker-compose.yml");
  }

  record Result(int exit, String output) {}

  /** Debian's docker-compose (1.29), as .ci/run installs it; no Docker daemon needed. */
  static Result composeConfig(Path compose) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("docker-compose", "-f", compose.toString(), "config", "-q")
            .directory(compose.getParent().toFile())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(CapsuleExport export) {
    Map<String, Object> services =
        (Map<String, Object>) yaml(export.files().get(1).content()).get("services");
    assertThat(services).hasSize(1);
    return (Map<String, Object>) services.values().iterator().next();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String text) {
    return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
  }

  private static Map<String, Object> mapOf(Object... pairs) {
    return YamlText.map(pairs);
  }
}
