package dev.shipyard.activities.sandbox;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/** Looks programs up on a PATH, as {@code execvp} would. */
public final class Executables {

  private Executables() {}

  /** The absolute path of {@code program} on {@code path}, or null. */
  public static String find(String program, String path) {
    return find(program, path, candidate -> true);
  }

  /** The first executable {@code program} on {@code path} that {@code accept}s, or null. */
  public static String find(String program, String path, Predicate<Path> accept) {
    if (program.contains("/")) {
      Path candidate = Path.of(program);
      return Files.isExecutable(candidate) && accept.test(candidate) ? program : null;
    }
    if (path == null || path.isBlank()) {
      return null;
    }
    for (String directory : path.split(File.pathSeparator)) {
      if (directory.isBlank()) {
        continue;
      }
      Path candidate = Path.of(directory, program);
      if (Files.isRegularFile(candidate)
          && Files.isExecutable(candidate)
          && accept.test(candidate)) {
        return candidate.toAbsolutePath().toString();
      }
    }
    return null;
  }
}
