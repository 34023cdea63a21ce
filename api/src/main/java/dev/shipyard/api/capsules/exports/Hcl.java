package dev.shipyard.api.capsules.exports;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Writes HCL (Terraform's language) from a builder: attributes and blocks, with every string value
 * written as a quoted, escaped literal ({@link #quote}) so user text cannot end the string, open a
 * template interpolation or add a block. Only {@link Expr}, made from constant text in the
 * exporter, is written as it is.
 */
final class Hcl {

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  /** An expression written as it is: references, function calls, types; never user text. */
  record Expr(String text) {}

  private final StringBuilder out = new StringBuilder();
  private final int depth;

  /**
   * Consecutive one-line attributes, written with their equals signs aligned as terraform fmt does.
   */
  private final List<String[]> run = new ArrayList<>();

  private Hcl(int depth) {
    this.depth = depth;
  }

  /** A file: its top-level attributes and blocks, written by {@code body}. */
  static String file(Consumer<Hcl> body) {
    Hcl hcl = new Hcl(0);
    body.accept(hcl);
    hcl.flush();
    return hcl.out.toString();
  }

  static Expr expr(String text) {
    return new Expr(text);
  }

  /** {@code name = value}. */
  Hcl attribute(String name, Object value) {
    String text = value(value, depth);
    if (text.indexOf('\n') < 0) {
      run.add(new String[] {identifier(name), text});
    } else {
      flush();
      indent().append(identifier(name)).append(" = ").append(text).append('\n');
    }
    return this;
  }

  private void flush() {
    out.append(aligned(run, "  ".repeat(depth)));
    run.clear();
  }

  /** {@code name = value} lines, the names padded to the longest. */
  private static String aligned(List<String[]> pairs, String indent) {
    int width = pairs.stream().mapToInt(p -> p[0].length()).max().orElse(0);
    StringBuilder lines = new StringBuilder();
    for (String[] pair : pairs) {
      lines.append(indent).append(pair[0]).append(" ".repeat(width - pair[0].length()));
      lines.append(" = ").append(pair[1]).append('\n');
    }
    return lines.toString();
  }

  /** {@code type "label" ... { body }}. */
  Hcl block(String type, List<String> labels, Consumer<Hcl> body) {
    flush();
    indent().append(identifier(type));
    for (String label : labels) {
      out.append(' ').append(quote(label));
    }
    out.append(" {\n");
    Hcl inner = new Hcl(depth + 1);
    body.accept(inner);
    inner.flush();
    out.append(inner.out);
    indent().append("}\n");
    return this;
  }

  Hcl block(String type, Consumer<Hcl> body) {
    return block(type, List.of(), body);
  }

  /** An empty line between top-level blocks. */
  Hcl blank() {
    flush();
    out.append('\n');
    return this;
  }

  /**
   * {@code text} as an HCL quoted string: backslash, quote and control characters escaped, the
   * template sequences (a dollar or percent sign before an opening brace) doubled so they stay
   * literal text, and a lone surrogate replaced by U+FFFD.
   */
  static String quote(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean templateStart = i + 1 < text.length() && text.charAt(i + 1) == '{';
      switch (c) {
        case '\\' -> quoted.append("\\\\");
        case '"' -> quoted.append("\\\"");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        case '$', '%' -> quoted.append(templateStart ? "" + c + c : String.valueOf(c));
        default -> {
          if (c < 0x20 || c == 0x7f) {
            quoted.append(String.format("\\u%04X", (int) c));
          } else if (Character.isSurrogate(c) && !validSurrogate(text, i)) {
            quoted.append('\uFFFD');
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  private static boolean validSurrogate(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }

  private static String value(Object value, int level) {
    if (value instanceof Expr e) {
      return e.text();
    } else if (value instanceof String text) {
      return quote(text);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
      return String.valueOf(value);
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        return "{}";
      }
      String indent = "  ".repeat(level + 1);
      StringBuilder object = new StringBuilder("{\n");
      List<String[]> entries = new ArrayList<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = quote((String) e.getKey());
        String text = value(e.getValue(), level + 1);
        if (text.indexOf('\n') < 0) {
          entries.add(new String[] {key, text});
        } else {
          object.append(aligned(entries, indent));
          entries.clear();
          object.append(indent).append(key).append(" = ").append(text).append('\n');
        }
      }
      object.append(aligned(entries, indent));
      return object.append("  ".repeat(level)).append('}').toString();
    } else if (value instanceof List<?> list) {
      StringBuilder items = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        items.append(i > 0 ? ", " : "").append(value(list.get(i), level));
      }
      return items.append(']').toString();
    }
    throw new IllegalArgumentException("No HCL for " + value.getClass());
  }

  private StringBuilder indent() {
    return out.append("  ".repeat(depth));
  }

  private static String identifier(String name) {
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException("Not an HCL identifier: " + name);
    }
    return name;
  }
}
