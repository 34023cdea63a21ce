package dev.shipyard.api.capsules.exports;

import dev.shipyard.api.capsules.CapsuleRecord;
import dev.shipyard.api.capsules.versions.CapsuleVersion;
import dev.shipyard.api.capsules.versions.ResolvedVersion;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.workflows.capsules.CapsuleStatus;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Service profiles as {@link ServiceProfiles} builds them, from a capsule row and files. */
final class Profiles {

  /** Text that breaks YAML, HCL, Go templates and shells when pasted instead of quoted. */
  static final String HOSTILE =
      "Evil \"quoted\" 'single' \\ back\\slash\n---\nkind: Secret\nmetadata: {name: x}\n"
          + "${file(\"/etc/passwd\")} %{ if true }x%{ endif } {{ .Release.Name }} }\n"
          + "resource \"null_resource\" \"x\" {}\n# comment &anchor *alias | > \t\u0001 ✓";

  private Profiles() {}

  static ServiceProfile of(
      String projectName,
      String description,
      String language,
      String framework,
      String dockerfile,
      String envExample,
      String... paths) {
    CapsuleRecord capsule =
        new CapsuleRecord(
            "cap-0123456789",
            "req-1",
            "tenant-1",
            UUID.randomUUID(),
            CapsuleStatus.values()[0],
            description,
            "",
            projectName,
            Map.of(),
            "offline",
            0.9,
            paths.length,
            100,
            0.95,
            List.of(language),
            framework == null ? List.of() : List.of(framework),
            null,
            null,
            List.of(),
            0,
            null,
            "capsule-cap-0123456789",
            OffsetDateTime.now(),
            OffsetDateTime.now());
    List<FileManifest.Entry> entries = new ArrayList<>();
    for (String path : paths) {
      entries.add(new FileManifest.Entry(path, "0".repeat(64), 10));
    }
    FileManifest manifest = FileManifest.of(entries);
    CapsuleVersion version =
        new CapsuleVersion(
            "ver-7",
            capsule.id(),
            3,
            "ver-6",
            "main",
            "system",
            "Third",
            manifest.digest(),
            manifest.key(),
            paths.length,
            100,
            OffsetDateTime.now());
    return ServiceProfile.of(
        new ResolvedVersion(capsule, version), manifest, dockerfile, envExample, "from-the-plan");
  }

  /** The offline engine's FastAPI capsule at version 3, with its own Dockerfile. */
  static ServiceProfile fastApi(String description) {
    return of(
        "User Management Service",
        description,
        "python",
        "fastapi",
        "FROM python:3.12-slim\nEXPOSE 8000\n"
            + "HEALTHCHECK --interval=30s --timeout=3s \\\n"
            + "  CMD [\"python\", \"-c\", \"import urllib.request;"
            + " urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)\"]\n"
            + "CMD [\"uvicorn\", \"app.main:create_app\"]\n",
        "# comment\nPORT=8000\nJWT_SECRET=change-me\nDATABASE_URL=sqlite:///./app.db\nbad key=1\n",
        "Dockerfile",
        ".env.example",
        "app/main.py",
        "requirements.txt");
  }

  static ServiceProfile express() {
    return of(
        "orders-api",
        "Orders",
        "javascript",
        "express",
        null,
        null,
        "package.json",
        "src/server.js");
  }

  static ServiceProfile spring() {
    return of(
        "Inventory",
        "Inventory",
        "java",
        "spring-boot",
        null,
        null,
        "pom.xml",
        "src/main/java/A.java");
  }

  static ServiceProfile goService() {
    return of("42 gophers", "Go", "go", "", null, null, "go.mod", "main.go");
  }
}
