package dev.shipyard.api.capsules.exports;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Dockerfiles for versions that have none, one per language the engines generate (the offline
 * engine's stacks, and Go). Each runs as the non-root user {@value ServiceProfile#RUN_AS_USER} and
 * has a HEALTHCHECK on the service's health path. Only checked values go in: the port (a number),
 * the health path and module names (matched against {@link #SAFE}).
 */
final class Dockerfiles {

  static final List<String> LANGUAGES = List.of("python", "javascript", "typescript", "java", "go");

  /** Characters a path or module name may have to be written into a Dockerfile. */
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9/_.:-]+");

  private Dockerfiles() {}

  static Optional<String> forStack(ServiceProfile profile) {
    return Optional.ofNullable(
        switch (profile.language()) {
          case "python" -> python(profile);
          case "javascript", "typescript" -> node(profile);
          case "java" -> java(profile);
          case "go" -> go(profile);
          default -> null;
        });
  }

  /** The exec-form command that checks the service from inside its container. */
  static List<String> healthCommand(ServiceProfile profile) {
    String url = "http://127.0.0.1:" + profile.port() + safe(profile.healthPath(), "/health");
    return switch (profile.language()) {
      case "python" ->
          List.of(
              "CMD",
              "python",
              "-c",
              "import urllib.request; urllib.request.urlopen('" + url + "', timeout=3)");
      case "javascript", "typescript" ->
          List.of(
              "CMD",
              "node",
              "-e",
              "fetch('"
                  + url
                  + "').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))");
      case "java" ->
          // The JRE image has bash but neither curl nor wget: HTTP over /dev/tcp.
          List.of(
              "CMD",
              "bash",
              "-c",
              "exec 3<>/dev/tcp/127.0.0.1/"
                  + profile.port()
                  + " && printf 'GET "
                  + safe(profile.healthPath(), "/health")
                  + " HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '");
      default -> List.of("CMD", "wget", "-q", "-O", "/dev/null", url);
    };
  }

  private static String healthcheck(ServiceProfile profile) {
    StringBuilder line =
        new StringBuilder(
            "HEALTHCHECK --interval=30s --timeout=5s --start-period="
                + profile.startupSeconds() * 2
                + "s --retries=3 \\\n  CMD [");
    List<String> command = healthCommand(profile);
    for (int i = 1; i < command.size(); i++) {
      if (i > 1) {
        line.append(", ");
      }
      line.append(json(command.get(i)));
    }
    return line.append("]\n").toString();
  }

  private static String python(ServiceProfile profile) {
    String module = pythonModule(profile);
    String install;
    if (profile.paths().contains("requirements.txt")) {
      install = "COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n";
    } else if (profile.paths().contains("pyproject.toml")) {
      install = "COPY . .\nRUN pip install .\n";
    } else {
      // Nothing declares the dependencies: what the command below needs.
      install =
          "COPY . .\n" + (module == null ? "" : "RUN pip install fastapi \"uvicorn[standard]\"\n");
    }
    return """
        FROM python:3.12-slim

        ENV PYTHONDONTWRITEBYTECODE=1 \\
            PYTHONUNBUFFERED=1 \\
            PIP_NO_CACHE_DIR=1 \\
            PIP_DISABLE_PIP_VERSION_CHECK=1

        WORKDIR /app
        """
        + install
        + "\n"
        + user("RUN useradd --system --uid %d --no-create-home app\nUSER %d\n")
        + "EXPOSE "
        + profile.port()
        + "\n\n"
        + healthcheck(profile)
        + "\n"
        + (module == null
            ? "CMD [\"python\", \"main.py\"]\n"
            : "CMD [\"uvicorn\", "
                + json(module)
                + ", \"--host\", \"0.0.0.0\", \"--port\", \""
                + profile.port()
                + "\"]\n");
  }

  /** {@code app.main:app} for FastAPI and friends, from where the version's entry point is. */
  private static String pythonModule(ServiceProfile profile) {
    if (!List.of("fastapi", "starlette", "").contains(profile.framework())) {
      return null;
    }
    for (String candidate : List.of("app/main.py", "src/main.py", "main.py", "app.py")) {
      if (profile.paths().contains(candidate)) {
        return candidate.substring(0, candidate.length() - 3).replace('/', '.') + ":app";
      }
    }
    return null;
  }

  private static String node(ServiceProfile profile) {
    return """
        FROM node:20-alpine

        ENV NODE_ENV=production
        WORKDIR /app

        COPY package*.json ./
        RUN npm install --omit=dev --no-audit --no-fund

        COPY . .

        """
        + user("USER %d\n")
        + "EXPOSE "
        + profile.port()
        + "\n\n"
        + healthcheck(profile)
        + "\nCMD [\"npm\", \"start\"]\n";
  }

  private static String java(ServiceProfile profile) {
    boolean gradle =
        !profile.paths().contains("pom.xml")
            && (profile.paths().contains("build.gradle")
                || profile.paths().contains("build.gradle.kts"));
    String build =
        gradle
            ? """
            FROM gradle:8-jdk17 AS build
            WORKDIR /build
            COPY . .
            RUN gradle --no-daemon -q bootJar -x test && cp build/libs/*.jar /build/app.jar
            """
            : """
            FROM maven:3.9-eclipse-temurin-17 AS build
            WORKDIR /build
            COPY pom.xml .
            RUN mvn -B -q dependency:go-offline
            COPY src ./src
            RUN mvn -B -q -DskipTests package && cp target/*.jar /build/app.jar
            """;
    return build
        + "\nFROM eclipse-temurin:17-jre\nWORKDIR /app\n"
        + "COPY --from=build /build/app.jar app.jar\n"
        + user("RUN useradd --system --uid %d --no-create-home app\nUSER %d\n")
        + "EXPOSE "
        + profile.port()
        + "\n\n"
        + healthcheck(profile)
        + "\nENTRYPOINT [\"java\", \"-XX:MaxRAMPercentage=75\", \"-jar\", \"/app/app.jar\"]\n";
  }

  private static String go(ServiceProfile profile) {
    return """
        FROM golang:1.22-alpine AS build
        WORKDIR /src
        COPY . .
        RUN CGO_ENABLED=0 go build -trimpath -o /out/app .

        FROM alpine:3.20
        COPY --from=build /out/app /usr/local/bin/app
        """
        + user("USER %d:%d\n")
        + "EXPOSE "
        + profile.port()
        + "\n\n"
        + healthcheck(profile)
        + "\nCMD [\"app\"]\n";
  }

  private static String user(String format) {
    return String.format(format, ServiceProfile.RUN_AS_USER, ServiceProfile.RUN_AS_USER) + "\n";
  }

  private static String safe(String value, String fallback) {
    return value != null && SAFE.matcher(value).matches() ? value : fallback;
  }

  /** A JSON string (exec form), for checked values. */
  private static String json(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
