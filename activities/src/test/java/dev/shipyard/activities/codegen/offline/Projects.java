package dev.shipyard.activities.codegen.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.shipyard.activities.codegen.SourceFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Test helpers: write a generated project to disk and run real toolchains on it. */
final class Projects {

  private Projects() {}

  /** What a finished process said. */
  record Run(int exitCode, String output) {}

  static void write(Path dir, List<SourceFile> files) throws IOException {
    for (SourceFile file : files) {
      Path target = dir.resolve(file.path());
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.content(), StandardCharsets.UTF_8);
    }
  }

  static Map<String, String> byPath(List<SourceFile> files) {
    return files.stream().collect(Collectors.toMap(SourceFile::path, SourceFile::content));
  }

  static List<String> paths(List<SourceFile> files, String suffix) {
    return files.stream().map(SourceFile::path).filter(p -> p.endsWith(suffix)).toList();
  }

  /**
   * Runs {@code command} in {@code dir} with stderr merged into stdout; fails the test when the
   * program is missing or does not finish within {@code timeoutSeconds}.
   */
  static Run run(Path dir, long timeoutSeconds, List<String> command) throws Exception {
    Process process;
    try {
      process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      return fail(
          "Cannot start '"
              + command.get(0)
              + "' ("
              + e.getMessage()
              + "): these tests need it on the PATH");
    }
    process.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try {
                output.append(
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                output.append("<output unreadable: ").append(e.getMessage()).append('>');
              }
            });
    reader.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      reader.join(TimeUnit.SECONDS.toMillis(5));
      return fail(
          String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n" + output);
    }
    reader.join();
    return new Run(process.exitValue(), output.toString());
  }

  /** Source files ({@code .py}, {@code .java}, {@code .js}) stay within 100 columns. */
  static void assertReadableWidth(List<SourceFile> files) {
    List<String> tooLong = new ArrayList<>();
    for (SourceFile file : files) {
      if (file.path().matches(".*\\.(py|java|js)")) {
        String[] lines = file.content().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
          if (lines[i].length() > 100) {
            tooLong.add(file.path() + ":" + (i + 1) + ": " + lines[i]);
          }
        }
      }
    }
    assertThat(tooLong).as("lines over 100 characters").isEmpty();
  }

  /** Runs {@code command} once per file (appended as its last argument) and asserts success. */
  static void runEach(
      Path dir, long timeoutSeconds, List<String> files, Function<String, List<String>> command)
      throws Exception {
    assertThat(files).isNotEmpty();
    List<String> failures = new ArrayList<>();
    for (String file : files) {
      Run run = run(dir, timeoutSeconds, command.apply(file));
      if (run.exitCode() != 0) {
        failures.add(file + ":\n" + run.output());
      }
    }
    assertThat(failures).as("files that failed").isEmpty();
  }
}
