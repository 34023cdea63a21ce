package dev.shipyard.activities.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledJavacClasspathTest {

  @Test
  void theBuildBundlesEveryListedJar() throws Exception {
    List<Path> jars = BundledJavacClasspath.fromResources().jars();

    assertThat(jars).hasSize(BundledJavacClasspath.JARS.size());
    for (int i = 0; i < jars.size(); i++) {
      assertThat(jars.get(i).getFileName().toString())
          .isEqualTo(BundledJavacClasspath.JARS.get(i) + ".jar");
      assertThat(Files.size(jars.get(i))).isGreaterThan(10_000);
    }
  }

  @Test
  void insideAJarTheJarsAreExtractedToFiles(@TempDir Path tmp) throws Exception {
    // A jar laid out like the activities jar inside the worker's fat jar.
    Path appJar = tmp.resolve("app.jar");
    List<Path> bundled = BundledJavacClasspath.fromResources().jars();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(appJar))) {
      for (Path jar : bundled) {
        out.putNextEntry(
            new JarEntry(BundledJavacClasspath.LOCATION + jar.getFileName().toString()));
        Files.copy(jar, (OutputStream) out);
        out.closeEntry();
      }
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {appJar.toUri().toURL()}, null)) {
      List<Path> extracted = BundledJavacClasspath.fromResources(loader).jars();

      assertThat(extracted).hasSize(bundled.size());
      for (int i = 0; i < extracted.size(); i++) {
        assertThat(extracted.get(i)).isNotEqualTo(bundled.get(i));
        assertThat(Files.mismatch(extracted.get(i), bundled.get(i))).isEqualTo(-1L);
      }
    }
  }

  @Test
  void aMissingJarIsReportedByName() throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      assertThatThrownBy(() -> BundledJavacClasspath.fromResources(empty).jars())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("codegen/javac-classpath/spring-boot.jar");
    }
  }
}
