package dev.shipyard.api.capsules.exports;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The JSON answer of the file-set exports ({@code helm}, {@code terraform}, {@code docker}): the
 * files to write to a directory, plus what each format's users need to know without reading them.
 * One schema for the three, so a client (and the OpenAPI document) handles them alike; the section
 * of the other formats is null.
 *
 * @param format {@code helm}, {@code terraform} or {@code docker}
 * @param files every file of the export, relative paths, UTF-8 text
 * @param chart helm: the chart's name and versions
 * @param provider terraform: the pinned Kubernetes provider
 * @param docker docker: the image, its port and where its Dockerfile came from
 */
@Schema(name = "CapsuleExport")
public record CapsuleExport(
    @Schema(allowableValues = {"helm", "terraform", "docker"}) String format,
    @JsonProperty("capsule_id") String capsuleId,
    @JsonProperty("version_id") String versionId,
    @JsonProperty("version_number") int versionNumber,
    @JsonProperty("manifest_sha256")
        @Schema(description = "the digest of the exported version's file manifest")
        String manifestSha256,
    List<ExportedFile> files,
    @Schema(nullable = true, description = "helm only") HelmChart chart,
    @Schema(nullable = true, description = "terraform only") TerraformProvider provider,
    @Schema(nullable = true, description = "docker only") DockerImage docker) {

  /** One file of an export: write {@code content} to {@code path} under an empty directory. */
  @Schema(name = "CapsuleExportFile")
  public record ExportedFile(
      @Schema(example = "templates/deployment.yaml") String path, String content) {}

  /** The chart's identity, as in its {@code Chart.yaml}. */
  @Schema(name = "CapsuleExportHelmChart")
  public record HelmChart(
      @Schema(description = "the project name, DNS-safe") String name,
      @Schema(description = "0.<version number>.0") String version,
      @JsonProperty("app_version") @Schema(description = "v<version number>, the image tag")
          String appVersion) {}

  /** The provider {@code versions.tf} pins. */
  @Schema(name = "CapsuleExportTerraformProvider")
  public record TerraformProvider(
      @Schema(example = "hashicorp/kubernetes") String source,
      @Schema(example = "2.36.0") String version) {}

  /** What the Dockerfile and compose file build and run. */
  @Schema(name = "CapsuleExportDockerImage")
  public record DockerImage(
      @Schema(example = "user-management-service:v1") String image,
      int port,
      @JsonProperty("health_path") String healthPath,
      @JsonProperty("dockerfile_source")
          @Schema(
              allowableValues = {"capsule", "generated"},
              description = "capsule: the version's own Dockerfile; generated: made for its stack")
          String dockerfileSource) {}
}
