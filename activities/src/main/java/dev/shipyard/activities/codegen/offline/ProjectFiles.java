package dev.shipyard.activities.codegen.offline;

import dev.shipyard.activities.codegen.SourceFile;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Collects the rendered files of one project, by path. */
final class ProjectFiles {

  private final TemplateRenderer templates;
  private final String stack;
  private final Map<String, SourceFile> files = new TreeMap<>();

  ProjectFiles(TemplateRenderer templates, String stack) {
    this.templates = templates;
    this.stack = stack;
  }

  /** Renders {@code template} of this stack into {@code path}. */
  ProjectFiles add(String path, String template, Map<String, Object> context) {
    return put(path, templates.render(stack, template, context));
  }

  /** Renders the template of the same name as {@code path}. */
  ProjectFiles add(String path, Map<String, Object> context) {
    return add(path, path, context);
  }

  ProjectFiles put(String path, String content) {
    if (files.put(path, new SourceFile(path, content)) != null) {
      throw new IllegalStateException("Two templates render " + path);
    }
    return this;
  }

  List<SourceFile> list() {
    return files.values().stream().sorted(Comparator.comparing(SourceFile::path)).toList();
  }
}
