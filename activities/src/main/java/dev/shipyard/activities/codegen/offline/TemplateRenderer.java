package dev.shipyard.activities.codegen.offline;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders the Mustache templates under a classpath folder ({@code <stack>/<path>.mustache}),
 * without HTML escaping, failing on any variable a context lacks.
 */
final class TemplateRenderer {

  private final String root;
  private final Mustache.Compiler compiler = Mustache.compiler().escapeHTML(false);
  private final Map<String, Template> cache = new ConcurrentHashMap<>();

  TemplateRenderer(String root) {
    this.root = root;
  }

  String render(String stack, String template, Object context) {
    return cache.computeIfAbsent(stack + "/" + template, this::compile).execute(context);
  }

  private Template compile(String name) {
    String resource = root + "/" + name + ".mustache";
    try (InputStream in = TemplateRenderer.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing template " + resource);
      }
      return compiler.compile(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read template " + resource, e);
    }
  }
}
