package dev.shipyard.activities.validation;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed compile classpath of generated Spring Boot projects: Spring Boot, Spring Framework
 * (core, beans, context, web, webmvc, test), Jakarta Validation and Servlet APIs, JUnit Jupiter API
 * and AssertJ, in the versions of the Spring Boot BOM.
 *
 * <p>The activities module's build copies these jars into its resources under {@value #LOCATION}
 * (maven-dependency-plugin {@code copy}, see activities/pom.xml; the two lists must agree), because
 * in a Spring Boot fat jar {@code java.class.path} names only the fat jar, which javac cannot read.
 * When the resources are plain files (tests, exploded classes) they are used where they are;
 * otherwise (inside a jar) they are extracted once per JVM into a temporary directory, deleted at
 * exit.
 */
public final class BundledJavacClasspath {

  /** The resource folder holding the jars. */
  public static final String LOCATION = "codegen/javac-classpath/";

  /** The jars' names (artifact IDs, versions stripped), as activities/pom.xml copies them. */
  public static final List<String> JARS =
      List.of(
          "spring-boot",
          "spring-boot-autoconfigure",
          "spring-boot-test",
          "spring-boot-test-autoconfigure",
          "spring-core",
          "spring-jcl",
          "spring-beans",
          "spring-context",
          "spring-web",
          "spring-webmvc",
          "spring-test",
          "jakarta.validation-api",
          "jakarta.servlet-api",
          "junit-jupiter-api",
          "assertj-core");

  private static final BundledJavacClasspath RESOURCES =
      new BundledJavacClasspath(null, BundledJavacClasspath.class.getClassLoader());

  private final List<Path> given;
  private final ClassLoader loader;
  private volatile List<Path> located;

  private BundledJavacClasspath(List<Path> given, ClassLoader loader) {
    this.given = given;
    this.loader = loader;
  }

  /** The jars bundled in this module's resources ({@value #LOCATION}), shared by the JVM. */
  public static BundledJavacClasspath fromResources() {
    return RESOURCES;
  }

  /** An explicit classpath, e.g. for a worker image that keeps the jars elsewhere. */
  public static BundledJavacClasspath of(List<Path> jars) {
    return new BundledJavacClasspath(List.copyOf(jars), null);
  }

  /** The jars under {@value #LOCATION} of another class loader (tests: a jar like the fat jar). */
  static BundledJavacClasspath fromResources(ClassLoader loader) {
    return new BundledJavacClasspath(null, loader);
  }

  /**
   * The jar files, extracting them on first use.
   *
   * @throws IllegalStateException when a jar is missing (the build did not bundle it)
   */
  public List<Path> jars() {
    if (given != null) {
      return given;
    }
    List<Path> known = located;
    if (known == null) {
      synchronized (this) {
        known = located;
        if (known == null) {
          known = locate(loader);
          located = known;
        }
      }
    }
    return known;
  }

  private static List<Path> locate(ClassLoader loader) {
    List<Path> jars = new ArrayList<>();
    Path extracted = null;
    try {
      for (String name : JARS) {
        String resource = LOCATION + name + ".jar";
        URL url = loader.getResource(resource);
        if (url == null) {
          throw new IllegalStateException(
              "The bundled javac classpath lacks "
                  + resource
                  + " (built without activities/pom.xml's bundle-javac-classpath step?)");
        }
        if ("file".equals(url.getProtocol())) {
          jars.add(Path.of(url.toURI()));
          continue;
        }
        if (extracted == null) {
          extracted = Files.createTempDirectory("shipyard-javac-classpath-");
          extracted.toFile().deleteOnExit();
        }
        Path target = extracted.resolve(name + ".jar");
        try (InputStream in = url.openStream()) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
        jars.add(target);
      }
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("Cannot read the bundled javac classpath: " + e, e);
    }
    return List.copyOf(jars);
  }
}
