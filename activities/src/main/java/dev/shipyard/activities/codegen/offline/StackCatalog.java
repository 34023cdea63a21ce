package dev.shipyard.activities.codegen.offline;

import dev.shipyard.activities.codegen.UnsupportedRequestException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The stacks of the offline engine, and how a request chooses one. */
final class StackCatalog {

  private final List<Stack> stacks;

  StackCatalog(List<Stack> stacks) {
    if (stacks.isEmpty()) {
      throw new IllegalArgumentException("A catalog needs at least one stack");
    }
    this.stacks = List.copyOf(stacks);
  }

  /** Python/FastAPI (the default), Java/Spring Boot and Node.js/Express. */
  static StackCatalog standard() {
    TemplateRenderer templates = new TemplateRenderer("codegen/offline");
    return new StackCatalog(
        List.of(
            new PythonFastApiStack(templates),
            new JavaSpringBootStack(templates),
            new NodeExpressStack(templates)));
  }

  List<Stack> stacks() {
    return stacks;
  }

  Stack byId(String id) {
    return stacks.stream()
        .filter(s -> s.id().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Unknown stack '" + id + "'; the offline engine has " + supported()));
  }

  /**
   * The stack the constraints name (they win), otherwise the one the text asks for (framework words
   * before language words), otherwise the first.
   */
  Stack resolve(String language, String framework, String text) {
    Optional<Stack> byLanguage = present(language).map(l -> find(l, true, "language"));
    Optional<Stack> byFramework = present(framework).map(f -> find(f, false, "framework"));
    if (byLanguage.isPresent()
        && byFramework.isPresent()
        && byLanguage.get() != byFramework.get()) {
      throw new UnsupportedRequestException(
          "Framework '"
              + framework
              + "' is not available for language '"
              + language
              + "'; the offline engine has "
              + supported());
    }
    if (byFramework.isPresent()) {
      return byFramework.get();
    }
    if (byLanguage.isPresent()) {
      return byLanguage.get();
    }
    return stacks.stream()
        .filter(s -> s.frameworkKeywords().matcher(text).find())
        .findFirst()
        .or(
            () ->
                stacks.stream().filter(s -> s.languageKeywords().matcher(text).find()).findFirst())
        .orElse(stacks.get(0));
  }

  private Stack find(String name, boolean language, String what) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return stacks.stream()
        .filter(s -> (language ? s.languageNames() : s.frameworkNames()).contains(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Unsupported "
                        + what
                        + " '"
                        + name
                        + "': the offline engine generates "
                        + supported()));
  }

  private String supported() {
    return stacks.stream()
        .map(s -> s.language() + " (" + s.framework() + ")")
        .collect(Collectors.joining(", "));
  }

  private static Optional<String> present(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
