package dev.shipyard.activities.codegen;

/**
 * One file of a generated project: a relative path with forward slashes (no {@code ..}, no leading
 * slash) and UTF-8 text.
 */
public record SourceFile(String path, String content) {

  public SourceFile {
    if (path == null
        || path.isBlank()
        || path.startsWith("/")
        || path.contains("\\")
        || java.util.Arrays.asList(path.split("/")).contains("..")) {
      throw new IllegalArgumentException("Not a safe relative path: " + path);
    }
    if (content == null) {
      throw new IllegalArgumentException("No content for " + path);
    }
  }

  @Override
  public String toString() {
    return "SourceFile[" + path + ", " + content.length() + " chars]";
  }
}
