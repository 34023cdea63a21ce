package dev.shipyard.api.capsules.exports;

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

  private Hcl(int depth) {
    this.depth = depth;
  }

  /** A file: its top-level attributes and blocks, written by {@code body}. */
  static String file(Consumer<Hcl> body) {
    Hcl hcl = new Hcl(0);
    body.accept(hcl);
    return hcl.out.toString();
  }

  static Expr expr(String text) {
    return new Expr(text);
  }

  /** {@code name = value}. */
  Hcl attribute(String name, Object value) {
    indent().append(identifier(name)).append(" = ");
    value(value, depth);
    out.append('\n');
    return this;
  }

  /** {@code type "label" ... { body }}. */
  Hcl block(String type, List<String> labels, Consumer<Hcl> body) {
    indent().append(identifier(type));
    for (String label : labels) {
      out.append(' ').append(quote(label));
    }
    out.append(" {\n");
    Hcl inner = new Hcl(depth + 1);
    body.accept(inner);
    out.append(inner.out);
    indent().append("}\n");
    return this;
  }

  Hcl block(String type, Consumer<Hcl> body) {
    return block(type, List.of(), body);
  }

  /** An empty line between top-level blocks. */
  Hcl blank() {
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

  private void value(Object value, int level) {
    if (value instanceof Expr e) {
      out.append(e.text());
    } else if (value instanceof String s) {
      out.append(quote(s));
    } else if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append("{\n");
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append("  ".repeat(level + 1)).append(quote((String) e.getKey())).append(" = ");
        value(e.getValue(), level + 1);
        out.append('\n');
      }
      out.append("  ".repeat(level)).append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        value(list.get(i), level);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("No HCL for " + value.getClass());
    }
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
