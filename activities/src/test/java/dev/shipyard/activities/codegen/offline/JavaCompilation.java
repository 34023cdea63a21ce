package dev.shipyard.activities.codegen.offline;

import dev.shipyard.activities.codegen.SourceFile;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated Java sources with javax.tools against the validator's fixed compile classpath:
 * the jars of exactly these artifacts (versions from the Spring Boot BOM), found through one class
 * of each on this test's classpath.
 */
final class JavaCompilation {

  /** One class per artifact of the fixed classpath. */
  static final List<String> FIXED_CLASSPATH_MARKERS =
      List.of(
          "org.springframework.boot.SpringApplication", // spring-boot
          "org.springframework.boot.autoconfigure.SpringBootApplication", // autoconfigure
          "org.springframework.core.SpringVersion", // spring-core
          "org.springframework.beans.factory.BeanFactory", // spring-beans
          "org.springframework.context.ApplicationContext", // spring-context
          "org.springframework.web.bind.annotation.RestController", // spring-web
          "org.springframework.web.servlet.DispatcherServlet", // spring-webmvc
          "org.springframework.test.web.servlet.MockMvc", // spring-test
          "org.springframework.boot.test.context.SpringBootTest", // spring-boot-test
          "jakarta.validation.Valid", // jakarta.validation-api
          "jakarta.servlet.http.HttpServletRequest", // jakarta.servlet-api
          "org.junit.jupiter.api.Test", // junit-jupiter-api
          "org.assertj.core.api.Assertions"); // assertj-core

  private JavaCompilation() {}

  static List<Path> fixedClasspath() {
    List<Path> jars = new ArrayList<>();
    for (String marker : FIXED_CLASSPATH_MARKERS) {
      try {
        Path jar =
            Path.of(
                Class.forName(marker).getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!jars.contains(jar)) {
          jars.add(jar);
        }
      } catch (ClassNotFoundException | URISyntaxException e) {
        throw new IllegalStateException("No jar for " + marker + " on the test classpath", e);
      }
    }
    return jars;
  }

  /** The compiler's errors for every .java file of {@code files}; empty when all compile. */
  static List<String> errors(List<SourceFile> files, Path workDir) throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("No system Java compiler: run the tests on a JDK");
    }
    Path sources = Files.createDirectories(workDir.resolve("sources"));
    Path classes = Files.createDirectories(workDir.resolve("classes"));
    Projects.write(sources, files.stream().filter(f -> f.path().endsWith(".java")).toList());
    List<File> javaFiles;
    try (var walk = Files.walk(sources)) {
      javaFiles = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toFile).toList();
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fileManager =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      String classpath =
          String.join(File.pathSeparator, fixedClasspath().stream().map(Path::toString).toList());
      List<String> options =
          List.of(
              "-classpath", classpath, "-d", classes.toString(), "--release", "17", "-proc:none");
      compiler
          .getTask(
              null,
              fileManager,
              diagnostics,
              options,
              null,
              fileManager.getJavaFileObjectsFromFiles(javaFiles))
          .call();
    }
    return diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .map(
            d ->
                (d.getSource() == null ? "javac" : d.getSource().getName())
                    + ":"
                    + d.getLineNumber()
                    + ": "
                    + d.getMessage(Locale.ROOT))
        .toList();
  }
}
