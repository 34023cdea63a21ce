package dev.shipyard.activities.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PMD 7 on Java sources, run as a child JVM ({@code java -cp <PMD's jars> PmdCli check}) in the
 * sandbox with Shipyard's ruleset ({@code analysis/shipyard-pmd-ruleset.xml}: quickstart, unused
 * code, security), its JSON report parsed. The jars are linked (or copied) into the analysis's
 * scratch directory, so the sandboxed JVM reads them from its own workspace. Findings of PMD's
 * "Security" category are security issues; the rest are code smells.
 */
final class PmdAnalyzer implements Analyzer {

  private final ObjectMapper json = new ObjectMapper();

  @Override
  public String name() {
    return "pmd";
  }

  @Override
  public Set<AnalysisType> types() {
    return Set.of(AnalysisType.QUALITY, AnalysisType.SECURITY);
  }

  @Override
  public boolean appliesTo(ProjectKinds project) {
    return project.java();
  }

  @Override
  public Optional<String> missing(AnalysisSettings settings) {
    if (settings.jdkTool("java").isEmpty()) {
      return Optional.of("no java in " + settings.javaHome() + " to run PMD");
    }
    try {
      BundledPmdClasspath.jars();
      return Optional.empty();
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  public List<Finding> analyze(AnalyzerContext context) {
    Path lib = context.scratch().resolve("pmd-lib");
    Path ruleset = context.scratch().resolve("shipyard-pmd-ruleset.xml");
    Path report = context.scratch().resolve("pmd.json");
    List<Path> jars = new ArrayList<>();
    try {
      Files.createDirectories(lib);
      for (Path jar : BundledPmdClasspath.jars()) {
        Path target = lib.resolve(jar.getFileName().toString());
        try {
          Files.createLink(target, jar);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
        }
        jars.add(target);
      }
      try (InputStream in =
          PmdAnalyzer.class.getResourceAsStream("/analysis/shipyard-pmd-ruleset.xml")) {
        Files.copy(in, ruleset, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AnalyzerContext.Run run =
        context.run(
            name(),
            List.of(
                context.settings().jdkTool("java").orElseThrow().toString(),
                // fits the sandbox's address-space limit (RLIMIT_AS): the JVM's default
                // reservations (1 GiB of class space, 240 MiB of code cache) do not
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:CompressedClassSpaceSize=128m",
                "-XX:ReservedCodeCacheSize=64m",
                "-XX:MaxMetaspaceSize=256m",
                "-cp",
                jars.stream().map(Path::toString).collect(Collectors.joining(":")),
                "net.sourceforge.pmd.cli.PmdCli",
                "check",
                "--no-cache",
                "--no-progress",
                "-d",
                context.root().toString(),
                "-R",
                ruleset.toString(),
                "-f",
                "json",
                "-r",
                report.toString()));
    // PMD exits 0 (no violations), 4 (violations), 1 or 2 (it could not run)
    String text = context.read(report);
    if (text.isBlank() || (run.result().exitCode() != 0 && run.result().exitCode() != 4)) {
      throw new AnalyzerFailedException("PMD failed: " + Tools.tail(run.output()));
    }
    List<Finding> findings = new ArrayList<>();
    try {
      for (JsonNode file : json.readTree(text).path("files")) {
        String path = context.relative(file.path("filename").asText());
        for (JsonNode v : file.path("violations")) {
          boolean security = "Security".equals(v.path("ruleset").asText());
          int priority = v.path("priority").asInt(3);
          String severity = priority <= 1 ? "high" : priority <= 3 ? "medium" : "low";
          String rule = v.path("rule").asText();
          findings.add(
              new Finding(
                  name(),
                  rule,
                  security ? AnalysisType.SECURITY : AnalysisType.QUALITY,
                  severity,
                  path,
                  v.path("beginline").asInt(0),
                  v.path("description").asText(),
                  recommendation(rule, v.path("externalInfoUrl").asText(""))));
        }
      }
    } catch (IOException e) {
      throw new AnalyzerFailedException("PMD's report is not JSON: " + e.getMessage());
    }
    return findings;
  }

  private static String recommendation(String rule, String url) {
    return switch (rule) {
      case "UnusedLocalVariable", "UnusedPrivateField", "UnusedPrivateMethod" ->
          "Remove unused code";
      case "CloseResource" -> "Close resources with try-with-resources";
      case "HardCodedCryptoKey" -> "Load keys from a key store or the environment";
      default -> "Fix PMD " + rule + (url.isEmpty() ? "" : " (" + url + ")");
    };
  }
}
