package dev.shipyard.activities.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.outbound.RegistryClient;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.workflows.images.BuiltImage;
import dev.shipyard.workflows.images.ImageBuildRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds an OCI image from a project's files with Jib core (no Docker daemon) and pushes it:
 *
 * <ul>
 *   <li>on the stack's configured base image ({@link ImageSettings#base}), or from scratch;
 *   <li>layers: the dependency manifests ({@code pom.xml}, {@code package.json}, {@code
 *       requirements*.txt}; they change less often, so a rebuild after a code change reuses the
 *       layer), the rest of the files, and the CycloneDX SBOM at {@value #SBOM_PATH} when the stack
 *       declares dependencies; everything under {@code /app}, files 644, directories 755;
 *   <li>reproducible: Jib sorts layer entries and fixes their times; the image's creation time is
 *       the epoch; labels derive from the version only. The same version gives the same digest;
 *   <li>entrypoint, port and working directory of the stack ({@link ImageStacks}), user 10001;
 *   <li>OCI labels {@code org.opencontainers.image.source/revision/version/base.name} and {@code
 *       dev.shipyard.capsule.id}, {@code dev.shipyard.capsule.version}, {@code dev.shipyard.sbom}.
 * </ul>
 *
 * What is recorded comes from the registry: the manifest is read back by digest (and its digest
 * checked), its config and layers give the size.
 */
public class JibImageBuilder {

  static final String SBOM_PATH = "/sbom/cyclonedx.json";

  private static final Logger log = LoggerFactory.getLogger(JibImageBuilder.class);
  private static final FilePermissions FILE = FilePermissions.fromOctalString("644");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ImageSettings settings;

  public JibImageBuilder(ImageSettings settings) {
    this.settings = settings;
    if (settings.configured() && settings.plainHttp()) {
      // Jib sends credentials over plain HTTP only when told to; here the registry is loopback or
      // explicitly allowed plain HTTP by the operator.
      System.setProperty("sendCredentialsOverHttp", "true");
    }
  }

  public ImageSettings settings() {
    return settings;
  }

  public RegistryClient registry() {
    return new RegistryClient(
        settings.registry(),
        settings.plainHttp(),
        settings.username(),
        settings.password(),
        Duration.ofSeconds(30));
  }

  /** Builds and pushes {@code files} as {@code request}'s image; answers what the registry has. */
  public BuiltImage build(ImageBuildRequest request, List<SourceFile> files) throws Exception {
    if (!settings.configured()) {
      throw new ImageBuildException(
          dev.shipyard.workflows.images.ImageFailure.REGISTRY_NOT_CONFIGURED,
          "no registry is configured (IMAGE_REGISTRY)");
    }
    ImageStacks.Plan plan = ImageStacks.plan(files);
    String base = plan.baseVariable() == null ? null : settings.base(plan.stack());
    byte[] sbom = CycloneDxSbom.document(files, request.capsuleId(), request.versionNumber());
    Path work = Files.createTempDirectory("shipyard-image-");
    try {
      JibContainerBuilder builder =
          base == null ? Jib.fromScratch() : Jib.from(registryImage(base));
      List<FileEntriesLayer> layers = layers(work, files, plan, sbom);
      builder
          .setFileEntriesLayers(layers)
          .setCreationTime(Instant.EPOCH)
          .setFormat(ImageFormat.OCI)
          .setWorkingDirectory(AbsoluteUnixPath.get(ImageStacks.WORKDIR))
          .setUser("10001")
          .addLabel("org.opencontainers.image.source", source(request))
          .addLabel("org.opencontainers.image.revision", "sha256:" + request.manifestSha256())
          .addLabel("org.opencontainers.image.version", String.valueOf(request.versionNumber()))
          .addLabel("org.opencontainers.image.base.name", base == null ? "scratch" : base)
          .addLabel("dev.shipyard.capsule.id", request.capsuleId())
          .addLabel("dev.shipyard.capsule.version", request.versionId())
          .addLabel("dev.shipyard.stack", plan.stack());
      if (sbom != null) {
        builder.addLabel("dev.shipyard.sbom", SBOM_PATH);
      }
      if (!plan.entrypoint().isEmpty()) {
        builder.setEntrypoint(plan.entrypoint());
      }
      if (plan.port() > 0) {
        builder.setExposedPorts(Set.of(Port.tcp(plan.port())));
      }
      String target = settings.registry() + "/" + request.repository() + ":" + request.tag();
      Containerizer to =
          Containerizer.to(registryImage(target))
              .setAllowInsecureRegistries(settings.plainHttp())
              .setBaseImageLayersCache(settings.cacheDir().resolve("base"))
              .setApplicationLayersCache(settings.cacheDir().resolve("application"))
              .setToolName("shipyard")
              .setOfflineMode(false);
      long started = System.nanoTime();
      JibContainer container = builder.containerize(to);
      String digest = container.getDigest().toString();
      log.info(
          "Image {} pushed as {} in {} ms (stack {}, base {})",
          target,
          digest,
          (System.nanoTime() - started) / 1_000_000,
          plan.stack(),
          base == null ? "scratch" : base);
      return readBack(request.repository(), digest, plan.stack(), base, sbom != null);
    } finally {
      delete(work);
    }
  }

  private RegistryImage registryImage(String reference) throws Exception {
    RegistryImage image = RegistryImage.named(reference);
    String host = reference.substring(0, Math.max(0, reference.indexOf('/')));
    if (host.equals(settings.registry())
        && settings.username() != null
        && !settings.username().isEmpty()) {
      image.addCredential(settings.username(), settings.password());
    }
    return image;
  }

  private static String source(ImageBuildRequest r) {
    return "shipyard:capsules/" + r.capsuleId() + "/versions/" + r.versionId();
  }

  private static List<FileEntriesLayer> layers(
      Path work, List<SourceFile> files, ImageStacks.Plan plan, byte[] sbom) throws IOException {
    FileEntriesLayer.Builder deps = FileEntriesLayer.builder().setName("dependencies");
    FileEntriesLayer.Builder app = FileEntriesLayer.builder().setName("application");
    boolean anyDeps = false;
    List<SourceFile> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(SourceFile::path));
    for (SourceFile f : sorted) {
      Path root = work.resolve("files");
      Path local = root.resolve(f.path()).normalize();
      if (f.path().startsWith("/") || f.path().contains("\\") || !local.startsWith(root)) {
        throw new ImageBuildException(
            dev.shipyard.workflows.images.ImageFailure.BUILD_FAILED,
            "a file path leaves the project: " + f.path());
      }
      Files.createDirectories(local.getParent());
      Files.writeString(local, f.content(), StandardCharsets.UTF_8);
      AbsoluteUnixPath in = AbsoluteUnixPath.get(ImageStacks.WORKDIR + "/" + f.path());
      if (plan.isManifest(f.path())) {
        deps.addEntry(local, in, FILE, FileEntriesLayer.DEFAULT_MODIFICATION_TIME);
        anyDeps = true;
      } else {
        app.addEntry(local, in, FILE, FileEntriesLayer.DEFAULT_MODIFICATION_TIME);
      }
    }
    List<FileEntriesLayer> layers = new ArrayList<>();
    if (anyDeps) {
      layers.add(deps.build());
    }
    layers.add(app.build());
    if (sbom != null) {
      Path local = work.resolve("sbom.json");
      Files.write(local, sbom);
      layers.add(
          FileEntriesLayer.builder()
              .setName("sbom")
              .addEntry(
                  local,
                  AbsoluteUnixPath.get(SBOM_PATH),
                  FILE,
                  FileEntriesLayer.DEFAULT_MODIFICATION_TIME)
              .build());
    }
    return layers;
  }

  /** The manifest as the registry serves it under {@code digest}, checked against it. */
  BuiltImage readBack(String repository, String digest, String stack, String base, boolean sbom)
      throws IOException {
    RegistryClient.Answer answer = registry().manifest(repository, digest);
    if (answer.status() != 200) {
      throw ImageFailures.registryAnswer("reading back " + repository + "@" + digest, answer);
    }
    String actual = "sha256:" + FileManifest.sha256(answer.body());
    if (!actual.equals(digest)) {
      throw new ImageBuildException(
          dev.shipyard.workflows.images.ImageFailure.BUILD_FAILED,
          "the registry serves " + actual + " under " + digest);
    }
    JsonNode manifest = JSON.readTree(answer.body());
    BuiltImage.Blob config = blob(manifest.path("config"));
    List<BuiltImage.Blob> layers = new ArrayList<>();
    long size = config.size();
    for (JsonNode layer : manifest.path("layers")) {
      BuiltImage.Blob b = blob(layer);
      layers.add(b);
      size += b.size();
    }
    String mediaType =
        manifest.path("mediaType").asText(answer.contentType() == null ? "" : answer.contentType());
    return new BuiltImage(
        settings.registry() + "/" + repository + "@" + digest,
        digest,
        mediaType,
        size,
        config,
        layers,
        stack,
        base == null ? "scratch" : base,
        sbom ? SBOM_PATH : null);
  }

  private static BuiltImage.Blob blob(JsonNode node) {
    return new BuiltImage.Blob(
        node.path("digest").asText(), node.path("size").asLong(), node.path("mediaType").asText());
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not delete {}: {}", dir, e.getMessage());
    }
  }
}
