import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.codegen.offline.OfflineEngine;
import dev.shipyard.activities.images.ImageSettings;
import dev.shipyard.activities.images.JibImageBuilder;
import dev.shipyard.outbound.RegistryClient;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.workflows.images.BuiltImage;
import dev.shipyard.workflows.images.ImageBuildRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * bench/images.sh: per generated stack, a base image made of a real local runtime directory, then
 * the capsule's image built on it by the platform's JibImageBuilder: cold (empty Jib caches, a
 * repository the registry has never seen) and warm (same caches and repository, one source file
 * changed: a new version). Prints one ROW line per build.
 *
 * <p>Usage: java -cp <platform classes> ImageBench.java registry work-dir runs stack=dir...
 */
public class ImageBench {

  public static void main(String[] args) throws Exception {
    String registry = args[0];
    Path work = Path.of(args[1]);
    int runs = Integer.parseInt(args[2]);
    Map<String, String[]> specs =
        Map.of(
            "python",
            new String[] {"Create a FastAPI microservice for user management", "CRUD"},
            "node",
            new String[] {"Create a Node.js Express API for todo items", "CRUD"},
            "java-maven",
            new String[] {"Create a Java Spring Boot REST API for inventory management", "CRUD"});
    System.setProperty("sendCredentialsOverHttp", "true");
    for (int a = 3; a < args.length; a++) {
      String stack = args[a].substring(0, args[a].indexOf('='));
      Path runtime = Path.of(args[a].substring(args[a].indexOf('=') + 1));
      String base = registry + "/bench/base-" + stack + ":1";
      long t0 = System.nanoTime();
      Jib.fromScratch()
          .addFileEntriesLayer(
              FileEntriesLayer.builder()
                  .addEntryRecursive(runtime, AbsoluteUnixPath.get("/runtime"))
                  .build())
          .containerize(
              Containerizer.to(RegistryImage.named(base))
                  .setAllowInsecureRegistries(true)
                  .setBaseImageLayersCache(work.resolve("base-build-cache"))
                  .setApplicationLayersCache(work.resolve("base-build-cache")));
      long baseMs = (System.nanoTime() - t0) / 1_000_000;
      long baseSize = size(registry, "bench/base-" + stack, "1");
      String[] spec = specs.get(stack);
      OfflineEngine engine = new OfflineEngine();
      GenerationSpec g = new GenerationSpec(spec[0], spec[1], Map.of());
      List<SourceFile> files = engine.generate(engine.plan(g), g);
      for (int run = 1; run <= runs; run++) {
        Path cache = Files.createTempDirectory(work, "cache-");
        JibImageBuilder builder =
            new JibImageBuilder(
                new ImageSettings(registry, false, "", "", Map.of(stack, base), cache));
        String repository = "bench/" + stack + "-" + UUID.randomUUID().toString().substring(0, 8);
        for (String mode : List.of("cold", "warm")) {
          List<SourceFile> version = new ArrayList<>(files);
          if (mode.equals("warm")) {
            version.add(new SourceFile("CHANGELOG.md", "run " + run + ": one more file\n"));
          }
          long start = System.nanoTime();
          BuiltImage image = builder.build(request(repository, mode, version), version);
          long ms = (System.nanoTime() - start) / 1_000_000;
          long files_bytes =
              version.stream()
                  .mapToLong(f -> f.content().getBytes(StandardCharsets.UTF_8).length)
                  .sum();
          System.out.println(
              String.join(
                  ",",
                  "ROW",
                  stack,
                  String.valueOf(run),
                  mode,
                  String.valueOf(ms),
                  String.valueOf(image.size()),
                  String.valueOf(baseSize),
                  String.valueOf(image.size() - baseSize),
                  String.valueOf(version.size()),
                  String.valueOf(files_bytes),
                  String.valueOf(image.layers().size()),
                  String.valueOf(baseMs),
                  image.digest()));
        }
      }
    }
  }

  private static ImageBuildRequest request(String repository, String tag, List<SourceFile> files) {
    List<FileManifest.Entry> entries = new ArrayList<>();
    for (SourceFile f : files) {
      byte[] b = f.content().getBytes(StandardCharsets.UTF_8);
      entries.add(new FileManifest.Entry(f.path(), FileManifest.sha256(b), b.length));
    }
    FileManifest manifest = FileManifest.of(entries);
    return new ImageBuildRequest(
        UUID.randomUUID().toString(),
        "default",
        UUID.randomUUID().toString(),
        "cap-bench",
        "ver-bench-" + tag,
        1,
        FileManifest.keyOf(manifest.digest()),
        manifest.digest(),
        repository,
        tag);
  }

  /** Config + layers of the manifest {@code repository:tag}, as the registry serves it. */
  private static long size(String registry, String repository, String tag) throws Exception {
    RegistryClient client = new RegistryClient(registry, true, "", "", Duration.ofSeconds(30));
    var node =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(client.manifest(repository, tag).body());
    long size = node.path("config").path("size").asLong();
    for (var layer : node.path("layers")) {
      size += layer.path("size").asLong();
    }
    return size;
  }
}
