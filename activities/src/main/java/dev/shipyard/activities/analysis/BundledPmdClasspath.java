package dev.shipyard.activities.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * PMD's jars (pmd-java, pmd-cli and their dependencies), bundled by activities/pom.xml into this
 * module's resources under {@code analysis/pmd-lib/} with an index ({@code
 * analysis/pmd-lib.classpath}), because PMD runs in a child JVM (not on the worker's classpath) and
 * a Spring Boot fat jar's nested jars cannot be put on a child's classpath. Plain files are used
 * where they are; inside a jar they are extracted once per JVM (like {@code
 * BundledJavacClasspath}).
 */
final class BundledPmdClasspath {

  static final String INDEX = "analysis/pmd-lib.classpath";

  /**
   * Dependencies of PMD that are ours too (or excluded from our test classpath), copied separately
   * (activities/pom.xml).
   */
  static final List<String> SHARED =
      List.of(
          "analysis/pmd-lib/gson.jar",
          "analysis/pmd-lib/commons-lang3.jar",
          "analysis/pmd-lib/asm.jar",
          "analysis/pmd-lib/slf4j-api.jar",
          "analysis/pmd-lib/slf4j-simple.jar");

  private static volatile List<Path> located;

  private BundledPmdClasspath() {}

  /**
   * The jar files.
   *
   * @throws IllegalStateException when the bundle is absent (built without the bundle-pmd step)
   */
  static List<Path> jars() {
    List<Path> known = located;
    if (known == null) {
      synchronized (BundledPmdClasspath.class) {
        known = located;
        if (known == null) {
          known = locate(BundledPmdClasspath.class.getClassLoader());
          located = known;
        }
      }
    }
    return known;
  }

  private static List<Path> locate(ClassLoader loader) {
    try (InputStream index = loader.getResourceAsStream(INDEX)) {
      if (index == null) {
        throw new IllegalStateException("PMD is not bundled: no " + INDEX);
      }
      Set<String> resources = new LinkedHashSet<>();
      for (String entry : new String(index.readAllBytes(), StandardCharsets.UTF_8).split(",")) {
        if (!entry.isBlank()) {
          resources.add(entry.strip());
        }
      }
      resources.addAll(SHARED);
      List<Path> jars = new ArrayList<>();
      Path extracted = null;
      for (String resource : resources) {
        URL url = loader.getResource(resource);
        if (url == null) {
          throw new IllegalStateException("PMD's bundle lacks " + resource);
        }
        if ("file".equals(url.getProtocol())) {
          jars.add(Path.of(url.toURI()));
          continue;
        }
        if (extracted == null) {
          extracted = Files.createTempDirectory("shipyard-pmd-");
          extracted.toFile().deleteOnExit();
        }
        Path target = extracted.resolve(resource.substring(resource.lastIndexOf('/') + 1));
        try (InputStream in = url.openStream()) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
        jars.add(target);
      }
      return List.copyOf(jars);
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("Cannot read PMD's bundle: " + e, e);
    }
  }
}
