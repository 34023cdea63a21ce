package dev.shipyard.activities.validation;

import dev.shipyard.activities.codegen.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh temporary directory holding one project (used by validation, builds and analyses) ({@link
 * #root()}) and the checks' own files ({@link #scratch()}: compiler output, process logs, a home
 * for test runs); deleted on close.
 */
public final class Workspace implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Workspace.class);

  private final Path base;
  private final Path root;
  private final Path scratch;
  private final SortedMap<String, String> files;

  private Workspace(Path base, SortedMap<String, String> files) {
    this.base = base;
    this.root = base.resolve("project");
    this.scratch = base.resolve("scratch");
    this.files = Collections.unmodifiableSortedMap(files);
  }

  /** Writes the files (the last of two with one path wins) into a new temporary directory. */
  public static Workspace create(List<SourceFile> sourceFiles) {
    SortedMap<String, String> files = new TreeMap<>();
    for (SourceFile file : sourceFiles) {
      files.put(file.path(), file.content());
    }
    Path base;
    try {
      base = Files.createTempDirectory("shipyard-validate-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory", e);
    }
    Workspace workspace = new Workspace(base, files);
    try {
      Files.createDirectories(workspace.root);
      Files.createDirectories(workspace.scratch);
      for (var entry : files.entrySet()) {
        Path target = workspace.root.resolve(entry.getKey()).normalize();
        if (!target.startsWith(workspace.root)) {
          throw new IllegalArgumentException("Path escapes the project: " + entry.getKey());
        }
        Files.createDirectories(target.getParent());
        Files.writeString(target, entry.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException | RuntimeException e) {
      workspace.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("Cannot write the project into " + base, io);
      }
      throw (RuntimeException) e;
    }
    return workspace;
  }

  public Path root() {
    return root;
  }

  public Path scratch() {
    return scratch;
  }

  /** Path (relative, forward slashes) to content, sorted by path. */
  public SortedMap<String, String> files() {
    return files;
  }

  /** Strips the project directory from tool output, so messages name project-relative files. */
  public String relativize(String output) {
    if (output == null) {
      return null;
    }
    String absolute = root.toAbsolutePath().toString();
    return output
        .replace("file://" + absolute + "/", "")
        .replace(absolute + "/", "")
        .replace(absolute, ".");
  }

  @Override
  public void close() {
    try {
      Files.walkFileTree(
          base,
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
      log.warn("Could not delete the validation directory {}: {}", base, e.toString());
    }
  }
}
