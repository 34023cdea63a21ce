package dev.shipyard.activities.analysis;

import dev.shipyard.activities.validation.SecretScanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule-based secret scanner of validation ({@link SecretScanner}), in-process on every file of
 * every stack. Its messages name the kind of secret and the line, never the secret.
 */
final class SecretScanAnalyzer implements Analyzer {

  private static final Pattern HIT = Pattern.compile("^line (\\d+): (.*)$");

  @Override
  public String name() {
    return "secret-scanner";
  }

  @Override
  public Set<AnalysisType> types() {
    return Set.of(AnalysisType.SECURITY);
  }

  @Override
  public boolean appliesTo(ProjectKinds project) {
    return true;
  }

  @Override
  public Optional<String> missing(AnalysisSettings settings) {
    return Optional.empty();
  }

  @Override
  public List<Finding> analyze(AnalyzerContext context) {
    List<Finding> findings = new ArrayList<>();
    for (var file : context.files().entrySet()) {
      for (String hit : SecretScanner.findings(file.getKey(), file.getValue())) {
        Matcher m = HIT.matcher(hit);
        if (!m.matches()) {
          continue;
        }
        findings.add(
            new Finding(
                name(),
                "hard-coded-secret",
                AnalysisType.SECURITY,
                "high",
                file.getKey(),
                Integer.parseInt(m.group(1)),
                "Hard-coded secret: " + m.group(2),
                "Read the secret from the environment or a secret store, and rotate it"));
      }
    }
    return findings;
  }
}
