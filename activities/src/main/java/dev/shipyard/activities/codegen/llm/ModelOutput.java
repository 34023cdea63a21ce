package dev.shipyard.activities.codegen.llm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.shipyard.activities.codegen.SourceFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads a model's answer: finds the JSON object in it and turns {@code files} into SourceFiles. */
final class ModelOutput {

  /** At most this many files in one answer (and in a refined project). */
  static final int MAX_FILES = 200;

  /** At most this many characters in one file. */
  static final int MAX_FILE_CHARS = 200_000;

  /** At most this many characters in all files of one answer together. */
  static final int MAX_TOTAL_CHARS = 2_000_000;

  static final int MAX_PATH_CHARS = 240;

  /** How many candidate starting braces are tried before giving up on an answer. */
  private static final int MAX_CANDIDATES = 8;

  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  /** Lenient where models slip (trailing commas, raw newlines inside strings), strict otherwise. */
  private static final ObjectMapper LENIENT =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
          .build();

  private ModelOutput() {}

  /**
   * The JSON object in the text: the whole text when it is one, else the first that parses from an
   * opening brace and has the field {@code key} (else the first that parses at all), so a {@code
   * ```json} fence or a sentence around it does no harm.
   */
  static JsonNode jsonObject(String content, String key) throws UnusableAnswer {
    if (content == null || content.isBlank()) {
      throw new UnusableAnswer("the answer was empty");
    }
    char[] text = content.toCharArray();
    String firstError = null;
    JsonNode firstObject = null;
    int candidates = 0;
    for (int i = content.indexOf('{');
        i >= 0 && candidates < MAX_CANDIDATES;
        i = content.indexOf('{', i + 1)) {
      candidates++;
      try (JsonParser parser = LENIENT.createParser(text, i, text.length - i)) {
        JsonNode node = LENIENT.readTree(parser);
        if (node != null && node.isObject()) {
          if (node.has(key)) {
            return node;
          }
          if (firstObject == null) {
            firstObject = node;
          }
        }
      } catch (JsonProcessingException e) {
        if (firstError == null) {
          firstError = e.getOriginalMessage();
        }
      } catch (IOException e) {
        if (firstError == null) {
          firstError = e.getMessage();
        }
      }
    }
    if (firstObject != null) {
      return firstObject;
    }
    throw new UnusableAnswer(
        firstError == null
            ? "the answer contains no JSON object"
            : "the answer is not a valid JSON object (" + clip(firstError, 200) + ")");
  }

  /**
   * The {@code files} of an answer, in order; a path given twice keeps its last content.
   *
   * @param allowEmpty whether an empty list is a valid answer (refine: nothing to change)
   */
  static List<SourceFile> files(JsonNode root, boolean allowEmpty) throws UnusableAnswer {
    JsonNode files = root.get("files");
    if (files == null || !files.isArray()) {
      throw new UnusableAnswer("the answer has no \"files\" array");
    }
    if (files.size() > MAX_FILES) {
      throw new UnusableAnswer(
          "the answer has " + files.size() + " files; at most " + MAX_FILES + " are accepted");
    }
    Map<String, SourceFile> byPath = new LinkedHashMap<>();
    long total = 0;
    int index = 0;
    for (JsonNode file : files) {
      JsonNode path = file.get("path");
      JsonNode content = file.get("content");
      if (!file.isObject() || path == null || !path.isTextual()) {
        throw new UnusableAnswer("files[" + index + "] has no \"path\" string");
      }
      if (content == null || !content.isTextual()) {
        throw new UnusableAnswer(
            "files[" + index + "] (" + quote(path.asText()) + ") has no \"content\" string");
      }
      String safePath = safePath(path.asText());
      String text = content.asText();
      if (text.length() > MAX_FILE_CHARS) {
        throw new UnusableAnswer(
            "file "
                + quote(safePath)
                + " has "
                + text.length()
                + " characters; at most "
                + MAX_FILE_CHARS
                + " are accepted");
      }
      total += text.length();
      if (total > MAX_TOTAL_CHARS) {
        throw new UnusableAnswer(
            "the files have more than " + MAX_TOTAL_CHARS + " characters together");
      }
      byPath.remove(safePath);
      byPath.put(safePath, new SourceFile(safePath, text));
      index++;
    }
    if (byPath.isEmpty() && !allowEmpty) {
      throw new UnusableAnswer("the answer has no files");
    }
    return new ArrayList<>(byPath.values());
  }

  /**
   * A relative path with forward slashes inside the project: no absolute paths, drive letters,
   * backslashes, {@code .}/{@code ..} or empty segments, control characters, or {@code .git} (a
   * delivered repository must not get files into its Git directory). A leading {@code ./} is
   * dropped.
   */
  static String safePath(String raw) throws UnusableAnswer {
    String path = raw == null ? "" : raw.strip();
    while (path.startsWith("./")) {
      path = path.substring(2);
    }
    String problem = null;
    if (path.isEmpty()) {
      problem = "is empty";
    } else if (path.length() > MAX_PATH_CHARS) {
      problem = "is longer than " + MAX_PATH_CHARS + " characters";
    } else if (path.startsWith("/") || path.startsWith("~") || DRIVE.matcher(path).matches()) {
      problem = "is absolute";
    } else if (path.contains("\\")) {
      problem = "contains a backslash";
    } else if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      problem = "contains control characters";
    } else {
      for (String segment : path.split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          problem = "has an empty, '.' or '..' segment";
          break;
        }
        if (segment.equalsIgnoreCase(".git")) {
          problem = "points into .git";
          break;
        }
      }
    }
    if (problem != null) {
      throw new UnusableAnswer(
          "unsafe file path "
              + quote(raw)
              + ": it "
              + problem
              + "; paths must be relative, with forward slashes, inside the project");
    }
    return path;
  }

  static String quote(String s) {
    String shown = s == null ? "" : s.replaceAll("[\\p{Cntrl}]", "?");
    return "\"" + clip(shown, 120) + "\"";
  }

  static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
