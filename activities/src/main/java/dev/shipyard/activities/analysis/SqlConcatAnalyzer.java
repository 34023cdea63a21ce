package dev.shipyard.activities.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code shipyard-sql}: a rule-based check for SQL built from strings (rule {@code
 * sql-string-building}) in Python, Java and JavaScript: a string literal that starts like an SQL
 * statement ({@code SELECT ... FROM}, {@code INSERT INTO}, {@code UPDATE ... SET}, {@code DELETE
 * FROM}) joined on the same line with {@code +}, {@code %}, {@code .format(}, an f-string or a
 * template literal's {@code ${}}. It stands in for bandit's B608, which Debian 12's bandit misses
 * (see {@link BanditAnalyzer}); test files are skipped.
 */
final class SqlConcatAnalyzer implements Analyzer {

  private static final Pattern SQL_LITERAL =
      Pattern.compile(
          "(?i)(?<![A-Za-z0-9_])(?:[fFrRbB]{0,2})([\"'`])\\s*(select\\s.+\\sfrom|insert\\s+into|update\\s+\\S+\\s+set|delete\\s+from)\\b");

  private static final Pattern BUILT =
      Pattern.compile(
          "([\"'`]\\s*\\+)|(\\+\\s*[\"'`])|([\"']\\s*%\\s*[A-Za-z_(])|(\\.format\\s*\\()|(\\$\\{)");

  private static final Pattern F_STRING =
      Pattern.compile("(?i)(?<![A-Za-z0-9_])[rb]?f[rb]?[\"'][^\"']*\\{");

  @Override
  public String name() {
    return "shipyard-sql";
  }

  @Override
  public Set<AnalysisType> types() {
    return Set.of(AnalysisType.SECURITY);
  }

  @Override
  public boolean appliesTo(ProjectKinds project) {
    return project.python() || project.java() || project.javascript();
  }

  @Override
  public Optional<String> missing(AnalysisSettings settings) {
    return Optional.empty();
  }

  @Override
  public List<Finding> analyze(AnalyzerContext context) {
    List<Finding> findings = new ArrayList<>();
    for (var file : context.files().entrySet()) {
      String path = file.getKey();
      if (!isCode(path) || isTest(path)) {
        continue;
      }
      String[] lines = file.getValue().split("\\R", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        if (!SQL_LITERAL.matcher(line).find()) {
          continue;
        }
        boolean built =
            BUILT.matcher(line).find() || (path.endsWith(".py") && F_STRING.matcher(line).find());
        if (built) {
          findings.add(
              new Finding(
                  name(),
                  "sql-string-building",
                  AnalysisType.SECURITY,
                  "high",
                  path,
                  i + 1,
                  "SQL injection: a query built by string concatenation or formatting",
                  "Use parameterized queries"));
        }
      }
    }
    return findings;
  }

  private static boolean isCode(String path) {
    return path.endsWith(".py")
        || path.endsWith(".java")
        || path.endsWith(".js")
        || path.endsWith(".mjs")
        || path.endsWith(".cjs");
  }

  private static boolean isTest(String path) {
    String p = "/" + path.toLowerCase(Locale.ROOT);
    String name = p.substring(p.lastIndexOf('/') + 1);
    return p.contains("/tests/")
        || p.contains("/test/")
        || p.contains("/__tests__/")
        || name.startsWith("test_")
        || name.endsWith("_test.py")
        || name.endsWith("test.java")
        || name.endsWith(".test.js");
  }
}
