package dev.shipyard.activities.codegen.llm;

import java.util.regex.Pattern;

/**
 * Removes the API key (and anything that looks like a bearer token or an OpenAI-style key) from
 * text that came from elsewhere, such as a server's error body, before it goes into a message or a
 * log.
 */
final class Redactor {

  private static final Pattern BEARER =
      Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/=-]{4,}");
  private static final Pattern OPENAI_KEY = Pattern.compile("\\bsk-[A-Za-z0-9_-]{8,}");

  private final String secret;

  Redactor(String secret) {
    this.secret = secret == null || secret.isEmpty() ? null : secret;
  }

  String apply(String text) {
    if (text == null) {
      return null;
    }
    String t = secret == null ? text : text.replace(secret, "[redacted]");
    t = BEARER.matcher(t).replaceAll("$1 [redacted]");
    return OPENAI_KEY.matcher(t).replaceAll("sk-[redacted]");
  }
}
