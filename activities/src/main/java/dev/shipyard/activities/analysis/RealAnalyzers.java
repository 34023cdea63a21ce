package dev.shipyard.activities.analysis;

import dev.shipyard.activities.common.StepProgress;
import dev.shipyard.activities.sandbox.Sandbox;
import dev.shipyard.activities.sandbox.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@link CodeAnalyzer} of Shipyard: real analyzers, each run in the {@link Sandbox}, chosen by
 * the project's files and the analyses asked for.
 *
 * <ul>
 *   <li>Python: bandit (security), pylint (quality), mypy (types);
 *   <li>Java: PMD 7 (quality and security rules), javac (types; lint warnings as quality);
 *   <li>JavaScript: ESLint 9 (quality); no type checker (no tsc: JavaScript has no type errors
 *       here);
 *   <li>every stack: the secret scanner and the {@code shipyard-sql} rule (security).
 * </ul>
 *
 * An analyzer that is not installed is named in {@link AnalysisFindings#analyzersMissing()}; one
 * that ran and failed is named there too, with its failure (its findings are then unknown, not
 * zero).
 */
public final class RealAnalyzers implements CodeAnalyzer {

  private static final List<Analyzer> ALL =
      List.of(
          new SecretScanAnalyzer(),
          new SqlConcatAnalyzer(),
          new BanditAnalyzer(),
          new PylintAnalyzer(),
          new MypyAnalyzer(),
          new PmdAnalyzer(),
          new JavacAnalyzer(),
          new EslintAnalyzer());

  private final Sandbox sandbox;
  private final AnalysisSettings settings;

  public RealAnalyzers(Sandbox sandbox, AnalysisSettings settings) {
    this.sandbox = sandbox;
    this.settings = settings;
  }

  /**
   * Analyses the project in {@code workspace} (its files; reports and logs go to a sibling {@code
   * scratch} directory, e.g. {@code Workspace#root()} and {@code Workspace#scratch()}).
   */
  @Override
  public AnalysisFindings analyze(
      Path workspace, Set<AnalysisType> types, StepProgress progress, Ticker ticker) {
    Path root = workspace.toAbsolutePath().normalize();
    Path scratch = root.resolveSibling(root.getFileName() + "-analysis");
    try {
      Files.createDirectories(scratch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SortedMap<String, String> files = readFiles(root);
    AnalyzerContext context = new AnalyzerContext(root, scratch, files, sandbox, settings, ticker);
    Analyzer.ProjectKinds kinds = Analyzer.ProjectKinds.of(files.keySet());
    Set<AnalysisType> wanted = types.isEmpty() ? EnumSet.allOf(AnalysisType.class) : types;

    List<Analyzer> chosen = new ArrayList<>();
    for (Analyzer analyzer : ALL) {
      if (analyzer.appliesTo(kinds) && analyzer.types().stream().anyMatch(wanted::contains)) {
        chosen.add(analyzer);
      }
    }
    List<Finding> findings = new ArrayList<>();
    List<String> ran = new ArrayList<>();
    List<AnalysisFindings.MissingAnalyzer> missing = new ArrayList<>();
    for (int i = 0; i < chosen.size(); i++) {
      Analyzer analyzer = chosen.get(i);
      progress.report("Running " + analyzer.name(), 100 * i / chosen.size(), null);
      ticker.tick("analyzing: " + analyzer.name());
      Optional<String> absent = analyzer.missing(settings);
      if (absent.isPresent()) {
        missing.add(new AnalysisFindings.MissingAnalyzer(analyzer.name(), absent.get()));
        continue;
      }
      try {
        for (Finding f : analyzer.analyze(context)) {
          if (wanted.contains(f.type())) {
            findings.add(f);
          }
        }
        ran.add(analyzer.name());
      } catch (Analyzer.AnalyzerFailedException e) {
        missing.add(
            new AnalysisFindings.MissingAnalyzer(analyzer.name(), "failed: " + e.getMessage()));
      }
    }
    progress.report("Analyzers done", 100, ran.size() + " analyzer(s) ran");
    findings.sort(
        Comparator.comparing(Finding::file)
            .thenComparingInt(Finding::line)
            .thenComparing(Finding::analyzer)
            .thenComparing(Finding::rule));
    return new AnalysisFindings(findings, ran, missing, null, linesOfCode(files));
  }

  /** Non-blank lines of source files (Python, Java, JavaScript). */
  static int linesOfCode(SortedMap<String, String> files) {
    int lines = 0;
    for (var e : files.entrySet()) {
      String f = e.getKey();
      if (f.endsWith(".py")
          || f.endsWith(".java")
          || f.endsWith(".js")
          || f.endsWith(".mjs")
          || f.endsWith(".cjs")) {
        lines += (int) e.getValue().lines().filter(l -> !l.isBlank()).count();
      }
    }
    return lines;
  }

  private static SortedMap<String, String> readFiles(Path root) {
    SortedMap<String, String> files = new TreeMap<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
              return !dir.equals(root) && (name.equals("node_modules") || name.equals(".git"))
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              if (attrs.isRegularFile() && attrs.size() <= 2_000_000) {
                byte[] bytes = Files.readAllBytes(file);
                files.put(
                    root.relativize(file).toString().replace('\\', '/'),
                    new String(bytes, StandardCharsets.UTF_8));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
