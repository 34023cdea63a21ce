package dev.shipyard.activities.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretScannerTest {

  @Test
  void findsHighConfidenceSecretsEverywhereWithoutEchoingThem() {
    String token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
    List<String> findings =
        SecretScanner.findings(
            "README.md",
            "Use this token: " + token + "\n\n-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n");

    assertThat(findings)
        .containsExactly(
            "line 1: GitHub token (ghp_…, 40 chars)",
            "line 3: private key block (----…, 35 chars)");
    assertThat(String.join("\n", findings)).doesNotContain(token);
  }

  @Test
  void awsDocumentationExampleKeysAreIgnored() {
    assertThat(SecretScanner.findings("app/aws.py", "KEY = 'AKIAIOSFODNN7EXAMPLE'\n")).isEmpty();
    assertThat(SecretScanner.findings("app/aws.py", "KEY = 'AKIAQ3EGRIZXOWN5KDPT'\n"))
        .containsExactly("line 1: AWS access key ID (AKIA…, 20 chars)");
  }

  @Test
  void findsHardCodedSecretAssignmentsInCodeAndConfig() {
    assertThat(SecretScanner.findings("app/config.py", "jwt_secret: str = \"s3cr3t-value-123\"\n"))
        .containsExactly("line 1: hard-coded value of 'jwt_secret' (16 chars)");
    assertThat(SecretScanner.findings("src/db.js", "const dbPassword = 'hunter2hunter2';\n"))
        .containsExactly("line 1: hard-coded value of 'dbPassword' (14 chars)");
    assertThat(
            SecretScanner.findings(
                "src/main/java/a/Keys.java",
                "  private static final String API_KEY = \"k-81hd72hs\";\n"))
        .containsExactly("line 1: hard-coded value of 'API_KEY' (10 chars)");
    assertThat(SecretScanner.findings("config.json", "{\"password\": \"correcthorse9\"}"))
        .containsExactly("line 1: hard-coded value of 'password' (13 chars)");
    assertThat(
            SecretScanner.findings(
                "application.yml", "spring:\n  datasource:\n    password: s3cr3tpass\n"))
        .containsExactly("line 3: hard-coded value of 'password' (10 chars)");
    assertThat(SecretScanner.findings(".env", "SECRET_KEY=9f8a7b6c5d4e3f2a\n"))
        .containsExactly("line 1: hard-coded value of 'SECRET_KEY' (16 chars)");
    assertThat(
            SecretScanner.findings(
                "app/auth.py",
                "TOKEN = \"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N\"\n"))
        .containsExactly("line 1: JWT literal (eyJh…, 71 chars)");
  }

  @Test
  void placeholdersReferencesAndDescriptiveNamesAreNotSecrets() {
    assertThat(
            SecretScanner.findings(
                ".env.example",
                "SECRET_KEY=change-me\nDATABASE_PASSWORD=\nJWT_SECRET=your-secret-here\nAPI_KEY=<api key>\n"))
        .isEmpty();
    assertThat(
            SecretScanner.findings(
                "application.yml",
                "spring:\n  datasource:\n    password: ${DB_PASSWORD:}\njwt:\n  secret: ${JWT_SECRET}\n"))
        .isEmpty();
    assertThat(
            SecretScanner.findings(
                "app/security.py",
                String.join(
                    "\n",
                    "SECRET_KEY = os.environ[\"SECRET_KEY\"]",
                    "API_KEY_NAME = \"X-API-Key\"",
                    "password_field = \"password\"",
                    "secret_env = \"APP_SECRET\"",
                    "pwd_context = CryptContext(schemes=[\"bcrypt\"], deprecated=\"auto\")",
                    "")))
        .isEmpty();
  }

  @Test
  void testsAndDocumentationMayHoldTestPasswordsButNotKeys() {
    String test = "def test_login():\n    password = \"Sup3rSecret!\"\n";
    assertThat(SecretScanner.findings("tests/test_auth.py", test)).isEmpty();
    assertThat(SecretScanner.findings("app/auth.py", test)).hasSize(1);
    assertThat(
            SecretScanner.findings(
                "README.md", "password: \"example-password\"\npassword = \"abcdefgh1\"\n"))
        .isEmpty();
    assertThat(SecretScanner.findings("tests/test_aws.py", "KEY = 'AKIAQ3EGRIZXOWN5KDPT'\n"))
        .hasSize(1);
  }
}
