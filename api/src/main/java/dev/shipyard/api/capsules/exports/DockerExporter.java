package dev.shipyard.api.capsules.exports;

import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.capsules.exports.CapsuleExport.DockerImage;
import dev.shipyard.api.capsules.exports.CapsuleExport.ExportedFile;
import dev.shipyard.api.capsules.versions.ResolvedVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code docker}: a {@code Dockerfile} and a {@code docker-compose.yml} to put at the root of the
 * capsule's files. The Dockerfile is the version's own when it has one, otherwise one for its
 * language ({@link Dockerfiles}: non-root, with a HEALTHCHECK). The compose file ({@link YamlText})
 * builds it, publishes its port, checks its health and passes through the variables the version's
 * {@code .env.example} names from the shell, never their values.
 */
@Component
class DockerExporter implements CapsuleExporter {

  private final ServiceProfiles profiles;

  DockerExporter(ServiceProfiles profiles) {
    this.profiles = profiles;
  }

  @Override
  public String format() {
    return "docker";
  }

  @Override
  public Mono<ResponseEntity<Object>> export(ResolvedVersion version) {
    return profiles.of(version).map(profile -> ResponseEntity.ok(files(profile)));
  }

  CapsuleExport files(ServiceProfile profile) {
    String dockerfile = profile.dockerfile();
    String source = "capsule";
    if (dockerfile == null) {
      dockerfile =
          Dockerfiles.forStack(profile)
              .orElseThrow(
                  () ->
                      CapsuleErrors.invalid(
                          "format",
                          "The version has no Dockerfile and none can be made for language '"
                              + profile.language()
                              + "'; supported: "
                              + String.join(", ", Dockerfiles.LANGUAGES)));
      source = "generated";
    }
    return new CapsuleExport(
        format(),
        profile.capsuleId(),
        profile.versionId(),
        profile.versionNumber(),
        profile.manifestSha256(),
        List.of(
            new ExportedFile("Dockerfile", dockerfile),
            new ExportedFile("docker-compose.yml", compose(profile))),
        null,
        null,
        new DockerImage(profile.image(), profile.port(), profile.healthPath(), source));
  }

  static String compose(ServiceProfile profile) {
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("build", YamlText.map("context", ".", "dockerfile", "Dockerfile"));
    service.put("image", profile.image());
    service.put("ports", List.of(profile.port() + ":" + profile.port()));
    Map<String, Object> environment = new LinkedHashMap<>();
    environment.put("PORT", String.valueOf(profile.port()));
    // A name alone takes its value from the shell running compose (or leaves it unset).
    profile.envKeys().forEach(key -> environment.put(key, null));
    service.put("environment", environment);
    service.put(
        "healthcheck",
        YamlText.map(
            "test",
            Dockerfiles.healthCommand(profile),
            "interval",
            "30s",
            "timeout",
            "5s",
            "retries",
            3,
            "start_period",
            profile.startupSeconds() * 2 + "s"));
    service.put("restart", "unless-stopped");
    Map<String, Object> services = new LinkedHashMap<>();
    services.put(profile.name(), service);
    Map<String, Object> compose = new LinkedHashMap<>();
    // No "version": the Compose Specification (docker compose v2, docker-compose 1.27+) needs none.
    compose.put("services", services);
    return "# Build and run "
        + profile.name()
        + " from the capsule's files: docker compose up --build\n"
        + YamlText.dump(compose);
  }
}
