package dev.shipyard.activities.validation;

import dev.shipyard.workflows.capsules.CheckResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secret scan: one {@code security.secrets:<file>} check per file, failing (blocking) on any
 * finding. Findings name the line and the kind of secret, never the secret itself (messages end up
 * in workflow history).
 *
 * <p>Rules, in every file:
 *
 * <ul>
 *   <li>AWS access key IDs: {@code AKIA} or {@code ASIA} and 16 capitals or digits (AWS's
 *       documented examples, ending in {@code EXAMPLE}, are ignored);
 *   <li>AWS secret access keys: {@code aws_secret_access_key} assigned 40 base64 characters;
 *   <li>private key blocks: {@code -----BEGIN ... PRIVATE KEY-----} (RSA, EC, DSA, OPENSSH,
 *       ENCRYPTED, PGP or none);
 *   <li>GitHub tokens: {@code ghp_}, {@code gho_}, {@code ghu_}, {@code ghs_}, {@code ghr_} and 36+
 *       characters, or {@code github_pat_}; Slack tokens ({@code xox[abprs]-}); Stripe live keys
 *       ({@code sk_live_}).
 * </ul>
 *
 * <p>Rules in code and configuration, not in tests (which legitimately hold test passwords) nor in
 * documentation:
 *
 * <ul>
 *   <li>JWT-looking literals: three base64url parts, the first two starting {@code eyJ};
 *   <li>generic assignments: a name containing password, passwd, pwd, secret, api key, access key,
 *       auth token or private key, assigned ({@code =} or {@code :}, optionally after a type
 *       annotation, key quoted or not) a quoted literal of 8 or more characters; in .env,
 *       .properties, YAML, TOML and INI files an unquoted value of 8 or more characters too. Names
 *       that describe a secret rather than hold it (ending in name, header, field, env, url, path,
 *       file, type, length, algorithm, prefix...) are ignored, and so are values that are
 *       references ({@code ${VAR}}, {@code $VAR}, {@code {{ }}}, {@code %(x)s}, an ALL_CAPS
 *       variable name) or obvious placeholders (see {@link #isPlaceholderOrReference}). This is
 *       what makes an {@code .env.example} with {@code JWT_SECRET=change-me} or an empty value
 *       pass.
 * </ul>
 */
public final class SecretScanner {

  /** The scan weighs this much in all, shared equally among the scanned files. */
  static final double TOTAL_WEIGHT = 4;

  static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i).*(password|passwd|pwd|secret|api[_-]?key|access[_-]?key|auth[_-]?token"
              + "|private[_-]?key).*");

  private static final Pattern DESCRIPTIVE_NAME =
      Pattern.compile(
          "(?i).*[_.-]?(name|header|field|env|var|variable|url|uri|path|file|type|len|length"
              + "|algorithm|alg|prefix|suffix|id|label|hint|placeholder|pattern|regex|policy"
              + "|endpoint|route|param|column|attr|attribute|message|msg|error|description"
              + "|title|scheme|schemes|context|hash|hashed|min|max)$");

  private static final List<String> PLACEHOLDER_WORDS =
      List.of(
          "change",
          "replace",
          "your",
          "example",
          "placeholder",
          "dummy",
          "sample",
          "xxx",
          "***",
          "<",
          "todo",
          "fixme",
          "redacted",
          "insecure",
          "not-a-secret",
          "notasecret",
          "here",
          "secret-key-for-dev",
          "...");

  private record Rule(String kind, Pattern pattern, boolean everywhere) {}

  private static final List<Rule> RULES =
      List.of(
          new Rule(
              "AWS access key ID",
              Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b(?<!EXAMPLE)"),
              true),
          new Rule(
              "AWS secret access key",
              Pattern.compile(
                  "(?i)aws_?secret_?access_?key[\"']?\\s*[:=]\\s*[\"']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])"),
              true),
          new Rule(
              "private key block",
              Pattern.compile(
                  "-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"),
              true),
          new Rule(
              "GitHub token",
              Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
              true),
          new Rule("Slack token", Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{10,}"), true),
          new Rule("Stripe live key", Pattern.compile("\\b[sr]k_live_[A-Za-z0-9]{20,}"), true),
          new Rule(
              "JWT literal",
              Pattern.compile(
                  "\\beyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}"),
              false));

  /** {@code name = "literal"}, {@code name: Type = 'literal'}, {@code "name": "literal"}. */
  private static final Pattern QUOTED_ASSIGNMENT =
      Pattern.compile(
          "[\"']?(?<name>[A-Za-z_][A-Za-z0-9_.-]*)[\"']?"
              + "(?:\\s*:\\s*[A-Za-z_][A-Za-z0-9_.\\[\\], |]*?)?"
              + "\\s*(?::|=|:=|=>)\\s*"
              + "(?<quote>[\"'`])(?<value>[^\"'`\\r\\n]{8,})\\k<quote>");

  /** {@code NAME=value} or {@code name: value} at the start of a line, unquoted. */
  private static final Pattern BARE_ASSIGNMENT =
      Pattern.compile(
          "^\\s*(?:export\\s+)?(?<name>[A-Za-z_][A-Za-z0-9_.-]*)\\s*[:=]\\s*(?<value>[^\\s\"'#]{8,})\\s*(?:#.*)?$");

  private SecretScanner() {}

  static List<CheckResult> scan(Workspace workspace) {
    int count = workspace.files().size();
    double weight = count == 0 ? 0 : TOTAL_WEIGHT / count;
    List<CheckResult> checks = new ArrayList<>();
    for (var entry : workspace.files().entrySet()) {
      String file = entry.getKey();
      List<String> findings = findings(file, entry.getValue());
      String id = "security.secrets:" + file;
      if (findings.isEmpty()) {
        checks.add(Checks.passed(id, "security", file, true, weight, "no secrets found"));
      } else {
        checks.add(
            Checks.failed(
                id,
                "security",
                file,
                true,
                weight,
                String.join("\n", findings),
                "Remove the secret from "
                    + file
                    + " and read it from the environment or a secret store (rotate it if it was"
                    + " ever real)"));
      }
    }
    return checks;
  }

  /** One line per finding: {@code line N: <kind> (AKIA…, 20 chars)}, never the whole secret. */
  public static List<String> findings(String file, String content) {
    boolean codeOrConfig = !FileKinds.isTest(file) && !FileKinds.isMarkdown(file);
    boolean bareValues = allowsBareValues(file);
    List<String> findings = new ArrayList<>();
    String[] lines = content.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      for (Rule rule : RULES) {
        if (!rule.everywhere() && !codeOrConfig) {
          continue;
        }
        Matcher m = rule.pattern().matcher(line);
        while (m.find()) {
          findings.add(finding(i + 1, rule.kind(), m.group(), true));
        }
      }
      if (!codeOrConfig) {
        continue;
      }
      Matcher quoted = QUOTED_ASSIGNMENT.matcher(line);
      while (quoted.find()) {
        if (isSecretAssignment(quoted.group("name"), quoted.group("value"))) {
          findings.add(
              finding(
                  i + 1,
                  "hard-coded value of '" + quoted.group("name") + "'",
                  quoted.group("value"),
                  false));
        }
      }
      if (bareValues) {
        Matcher bare = BARE_ASSIGNMENT.matcher(line);
        if (bare.matches() && isSecretAssignment(bare.group("name"), bare.group("value"))) {
          findings.add(
              finding(
                  i + 1,
                  "hard-coded value of '" + bare.group("name") + "'",
                  bare.group("value"),
                  false));
        }
      }
    }
    return findings;
  }

  static boolean isSecretAssignment(String name, String value) {
    return SECRET_NAME.matcher(name).matches()
        && !DESCRIPTIVE_NAME.matcher(name).matches()
        && value.length() >= 8
        && !isPlaceholderOrReference(value);
  }

  /**
   * A value that is no secret: empty, a reference ({@code ${VAR}}, {@code $VAR}, {@code {{ x }}},
   * {@code %(x)s}, {@code process.env}, {@code os.environ}, an ALL_CAPS_NAME), or an obvious
   * placeholder (contains change, replace, your, example, placeholder, dummy, sample, xxx, ***,
   * &lt;, todo, fixme, redacted, insecure, not-a-secret, here, ...).
   */
  static boolean isPlaceholderOrReference(String value) {
    String v = value.strip();
    if (v.isEmpty()
        || v.startsWith("$")
        || v.contains("${")
        || v.contains("{{")
        || v.contains("%(")
        || v.startsWith("process.env")
        || v.startsWith("os.environ")
        || v.matches("[A-Z][A-Z0-9_]*")) {
      return true;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    return PLACEHOLDER_WORDS.stream().anyMatch(lower::contains);
  }

  private static boolean allowsBareValues(String file) {
    String name = FileKinds.fileName(file).toLowerCase(Locale.ROOT);
    return name.equals(".env")
        || name.startsWith(".env.")
        || name.endsWith(".env")
        || name.endsWith(".properties")
        || name.endsWith(".toml")
        || name.endsWith(".ini")
        || name.endsWith(".cfg")
        || FileKinds.isYaml(file);
  }

  /** The kind's well-known prefix (AKIA, ghp_, eyJh...) is shown; a free-form value is not. */
  private static String finding(int line, String kind, String secret, boolean showPrefix) {
    String shown = showPrefix && secret.length() > 4 ? secret.substring(0, 4) + "…, " : "";
    return "line " + line + ": " + kind + " (" + shown + secret.length() + " chars)";
  }
}
