package dev.shipyard.activities.validation;

import dev.shipyard.workflows.capsules.CheckResult;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Java: all {@code .java} files compiled together, in process, by the JDK's javac ({@code --release
 * 17}, no annotation processing) against the {@link BundledJavacClasspath}; each file's errors
 * become its {@code java.compile:<file>} check.
 */
final class JavaChecks {

  static final double COMPILE_WEIGHT = 3;

  private final BundledJavacClasspath classpath;
  private final JavaCompiler compiler;

  JavaChecks(BundledJavacClasspath classpath) {
    this(classpath, ToolProvider.getSystemJavaCompiler());
  }

  JavaChecks(BundledJavacClasspath classpath, JavaCompiler compiler) {
    this.classpath = classpath;
    this.compiler = compiler;
  }

  List<CheckResult> compile(Workspace workspace) {
    List<String> files = workspace.files().keySet().stream().filter(FileKinds::isJava).toList();
    if (files.isEmpty()) {
      return List.of();
    }
    if (compiler == null) {
      return notRun(files, "No Java compiler in this runtime (a JRE, not a JDK)");
    }
    List<Path> jars;
    try {
      jars = classpath.jars();
    } catch (IllegalStateException e) {
      return notRun(files, e.getMessage());
    }
    Path output = workspace.scratch().resolve("javac-classes");
    try {
      Files.createDirectories(output);
    } catch (IOException e) {
      return notRun(files, "Cannot create javac's output directory: " + e);
    }
    List<String> options =
        List.of(
            "--release",
            "17",
            "-proc:none",
            "-implicit:none",
            "-encoding",
            "UTF-8",
            "-nowarn",
            "-Xlint:none",
            "-Xmaxerrs",
            "10000",
            // Keep attributing after the first errors, so every file's own errors are reported
            // (by default javac stops before attribution when any file fails to parse).
            "-XDshould-stop.ifError=FLOW",
            "-classpath",
            jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
            "-d",
            output.toString());
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter otherOutput = new StringWriter();
    try (StandardJavaFileManager fileManager =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<Path> sources = files.stream().map(workspace.root()::resolve).toList();
      compiler
          .getTask(
              otherOutput,
              fileManager,
              diagnostics,
              options,
              null,
              fileManager.getJavaFileObjectsFromPaths(sources))
          .call();
    } catch (IOException | RuntimeException e) {
      return notRun(files, "javac failed: " + e);
    }

    Map<String, List<String>> errorsByFile = new LinkedHashMap<>();
    List<String> unattributed = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      String file = relativeFile(workspace, d);
      if (file == null) {
        unattributed.add("error: " + d.getMessage(Locale.ROOT));
      } else {
        errorsByFile
            .computeIfAbsent(file, f -> new ArrayList<>())
            .add(format(file, workspace.files().get(file), d));
      }
    }
    if (!otherOutput.toString().isBlank()) {
      unattributed.add(otherOutput.toString().strip());
    }

    List<CheckResult> checks = new ArrayList<>();
    for (String file : files) {
      String id = "java.compile:" + file;
      List<String> errors = errorsByFile.get(file);
      if (errors != null) {
        String count = errors.size() == 1 ? "1 error" : errors.size() + " errors";
        checks.add(
            Checks.failed(
                id,
                "compile",
                file,
                true,
                COMPILE_WEIGHT,
                String.join("\n", errors) + "\n" + count,
                "Fix the compile errors in " + file));
      } else if (!unattributed.isEmpty()) {
        checks.add(
            Checks.notRun(
                id,
                "compile",
                file,
                true,
                COMPILE_WEIGHT,
                "javac stopped before checking this file: " + String.join("\n", unattributed),
                "Check the worker's JDK and the bundled javac classpath"));
      } else {
        checks.add(
            Checks.passed(
                id,
                "compile",
                file,
                true,
                COMPILE_WEIGHT,
                "compiles with javac --release 17 against the bundled Spring Boot classpath"));
      }
    }
    return checks;
  }

  private static String relativeFile(
      Workspace workspace, Diagnostic<? extends JavaFileObject> diagnostic) {
    if (diagnostic.getSource() == null) {
      return null;
    }
    try {
      Path path = Path.of(diagnostic.getSource().toUri()).toAbsolutePath().normalize();
      Path root = workspace.root().toAbsolutePath().normalize();
      if (!path.startsWith(root)) {
        return null;
      }
      return root.relativize(path).toString().replace(File.separatorChar, '/');
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Like javac's own output: {@code file:line: error: message}, the source line and a caret. */
  private static String format(
      String file, String content, Diagnostic<? extends JavaFileObject> diagnostic) {
    long line = diagnostic.getLineNumber();
    StringBuilder out = new StringBuilder(file);
    if (line > 0) {
      out.append(':').append(line);
    }
    out.append(": error: ").append(diagnostic.getMessage(Locale.ROOT));
    if (line > 0 && content != null) {
      String[] lines = content.split("\\R", -1);
      if (line <= lines.length) {
        String source = lines[(int) line - 1];
        out.append('\n').append(source.stripTrailing());
        long column = diagnostic.getColumnNumber();
        if (column > 0 && column <= source.length() + 1) {
          out.append('\n').append(" ".repeat((int) column - 1)).append('^');
        }
      }
    }
    return out.toString();
  }

  private static List<CheckResult> notRun(List<String> files, String reason) {
    return files.stream()
        .map(
            file ->
                Checks.notRun(
                    "java.compile:" + file,
                    "compile",
                    file,
                    true,
                    COMPILE_WEIGHT,
                    reason,
                    "Run the worker on a JDK 17+ with the bundled javac classpath"))
        .toList();
  }
}
