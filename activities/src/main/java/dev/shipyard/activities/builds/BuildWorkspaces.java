package dev.shipyard.activities.builds;

import dev.shipyard.activities.codegen.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.UUID;

/**
 * Where build workspaces are created: under {@link #root()} ({@code BUILD_WORKSPACE_ROOT}), which
 * in Kubernetes mode is the shared volume the build Jobs mount.
 */
public record BuildWorkspaces(Path root) {

  /** A new empty directory under the root, named after {@code label} (letters and digits kept). */
  public Path create(String label) {
    String safe = label == null ? "" : label.replaceAll("[^A-Za-z0-9_-]", "");
    if (safe.length() > 40) {
      safe = safe.substring(0, 40);
    }
    Path directory = root.resolve((safe.isEmpty() ? "build" : safe) + "-" + UUID.randomUUID());
    try {
      return Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the workspace " + directory, e);
    }
  }

  /**
   * Writes {@code files} under {@code directory} (a workspace created here, or a folder in one); a
   * path that would leave it is refused.
   */
  public Path write(Path directory, List<SourceFile> files) {
    Path base = directory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(base);
      for (SourceFile file : files) {
        Path target = base.resolve(file.path()).normalize();
        if (!target.startsWith(base)) {
          throw new IllegalArgumentException("Path escapes the project: " + file.path());
        }
        Files.createDirectories(target.getParent());
        Files.writeString(target, file.content(), StandardCharsets.UTF_8);
      }
      return base;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the workspace " + base, e);
    }
  }

  /** Deletes a workspace created here, with everything in it. */
  public void delete(Path workspace) {
    Path target = workspace.toAbsolutePath().normalize();
    if (!target.startsWith(root.toAbsolutePath().normalize()) || !Files.exists(target)) {
      return;
    }
    try {
      Files.walkFileTree(
          target,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the workspace " + target, e);
    }
  }
}
