package dev.shipyard.activities.analysis;

import dev.shipyard.activities.validation.BundledJavacClasspath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The JDK's javac ({@code -Xlint:all}) on the project's Java sources, against the bundled classpath
 * of generated Spring Boot projects ({@link BundledJavacClasspath}), its diagnostics parsed: errors
 * are type errors, lint warnings code smells (rule {@code lint:<category>}). An error that only
 * says a dependency is absent is not a type error: {@code package ... does not exist}, and {@code
 * cannot find symbol} of a class in a file that imports from such a package, are dropped.
 */
final class JavacAnalyzer implements Analyzer {

  private static final Pattern HEADER =
      Pattern.compile("^(?<file>.+\\.java):(?<line>\\d+): (?<kind>error|warning): (?<msg>.*)$");
  private static final Pattern LINT = Pattern.compile("^\\[(?<cat>[a-z-]+)] (?<msg>.*)$");
  private static final Pattern MISSING_PACKAGE = Pattern.compile("^package (\\S+) does not exist$");

  @Override
  public String name() {
    return "javac";
  }

  @Override
  public Set<AnalysisType> types() {
    return Set.of(AnalysisType.TYPES, AnalysisType.QUALITY);
  }

  @Override
  public boolean appliesTo(ProjectKinds project) {
    return project.java();
  }

  @Override
  public Optional<String> missing(AnalysisSettings settings) {
    return settings.jdkTool("javac").isPresent()
        ? Optional.empty()
        : Optional.of("no javac in " + settings.javaHome() + " (a JRE, not a JDK)");
  }

  private record Diagnostic(String file, int line, boolean error, String message, String symbol) {}

  @Override
  public List<Finding> analyze(AnalyzerContext context) {
    Path lib = context.scratch().resolve("javac-lib");
    Path out = context.scratch().resolve("javac-classes");
    Path sources = context.scratch().resolve("javac-sources.txt");
    List<Path> classpath = new ArrayList<>();
    try {
      Files.createDirectories(lib);
      Files.createDirectories(out);
      for (Path jar : BundledJavacClasspath.fromResources().jars()) {
        Path target = lib.resolve(jar.getFileName().toString());
        try {
          Files.createLink(target, jar);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
        }
        classpath.add(target);
      }
      Files.writeString(
          sources,
          context.files().keySet().stream()
              .filter(f -> f.endsWith(".java"))
              .map(f -> "\"" + context.root().resolve(f) + "\"")
              .collect(Collectors.joining("\n")),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AnalyzerContext.Run run =
        context.run(
            name(),
            List.of(
                context.settings().jdkTool("javac").orElseThrow().toString(),
                "-J-Xmx512m",
                "-J-XX:+UseSerialGC",
                "-J-XX:CompressedClassSpaceSize=128m",
                "-J-XX:ReservedCodeCacheSize=64m",
                "-J-XX:MaxMetaspaceSize=256m",
                "-Xlint:all",
                "-Xmaxerrs",
                "10000",
                "-Xmaxwarns",
                "10000",
                "-proc:none",
                "-encoding",
                "UTF-8",
                "-d",
                out.toString(),
                "-cp",
                classpath.stream().map(Path::toString).collect(Collectors.joining(":")),
                "@" + sources));
    List<Diagnostic> diagnostics = parse(run.output(), context);
    if (run.result().exitCode() != 0 && diagnostics.stream().noneMatch(Diagnostic::error)) {
      throw new AnalyzerFailedException("javac failed: " + Tools.tail(run.output()));
    }
    Set<String> filesMissingDependencies = new HashSet<>();
    for (Diagnostic d : diagnostics) {
      if (d.error() && MISSING_PACKAGE.matcher(d.message()).matches()) {
        filesMissingDependencies.add(d.file());
      }
    }
    List<Finding> findings = new ArrayList<>();
    for (Diagnostic d : diagnostics) {
      if (d.error()) {
        boolean dependency =
            MISSING_PACKAGE.matcher(d.message()).matches()
                || (d.message().startsWith("cannot find symbol")
                    && d.symbol() != null
                    && d.symbol().startsWith("class ")
                    && filesMissingDependencies.contains(d.file()))
                || (d.message().startsWith("package ") && d.message().endsWith("does not exist"));
        if (dependency) {
          continue;
        }
        findings.add(
            new Finding(
                name(),
                slug(d.message()),
                AnalysisType.TYPES,
                "high",
                d.file(),
                d.line(),
                d.message() + (d.symbol() == null ? "" : " (" + d.symbol() + ")"),
                "Fix the compile error"));
      } else {
        Matcher lint = LINT.matcher(d.message());
        String rule = lint.matches() ? "lint:" + lint.group("cat") : "warning";
        findings.add(
            new Finding(
                name(),
                rule,
                AnalysisType.QUALITY,
                "low",
                d.file(),
                d.line(),
                lint.matches() ? lint.group("msg") : d.message(),
                "Fix the compiler warning (" + rule + ")"));
      }
    }
    return findings;
  }

  private static List<Diagnostic> parse(String output, AnalyzerContext context) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    String[] lines = output.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      Matcher h = HEADER.matcher(lines[i]);
      if (!h.matches()) {
        continue;
      }
      String symbol = null;
      for (int j = i + 1; j < lines.length && !HEADER.matcher(lines[j]).matches(); j++) {
        String t = lines[j].strip();
        if (t.startsWith("symbol:")) {
          symbol = t.substring("symbol:".length()).strip();
          break;
        }
      }
      diagnostics.add(
          new Diagnostic(
              context.relative(h.group("file")),
              Integer.parseInt(h.group("line")),
              "error".equals(h.group("kind")),
              h.group("msg").strip(),
              symbol));
    }
    return diagnostics;
  }

  /** {@code incompatible types: String cannot ...} → {@code incompatible-types}. */
  static String slug(String message) {
    String head = message.contains(":") ? message.substring(0, message.indexOf(':')) : message;
    String slug =
        head.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    return slug.length() > 60 ? slug.substring(0, 60) : slug;
  }
}
