package dev.shipyard.activities.codegen.offline;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Spellings of one name in the conventions of each language: {@code full_name}, … */
final class Names {

  private Names() {}

  /** {@code full_name} or {@code full-name} → {@code FullName}. */
  static String pascal(String name) {
    return Arrays.stream(name.split("[_\\-\\s]+"))
        .filter(part -> !part.isEmpty())
        .map(part -> Character.toUpperCase(part.charAt(0)) + part.substring(1))
        .collect(Collectors.joining());
  }

  /** {@code full_name} → {@code fullName}. */
  static String camel(String name) {
    String pascal = pascal(name);
    return Character.toLowerCase(pascal.charAt(0)) + pascal.substring(1);
  }

  /** {@code full_name} → {@code Full name}. */
  static String label(String name) {
    String words = name.replace('_', ' ').replace('-', ' ');
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  /** {@code user-management-service} → {@code User Management Service}. */
  static String title(String slug) {
    return Arrays.stream(slug.split("-"))
        .filter(part -> !part.isEmpty())
        .map(part -> Character.toUpperCase(part.charAt(0)) + part.substring(1))
        .collect(Collectors.joining(" "));
  }

  /** English plural of a lowercase noun: {@code category} → {@code categories}. */
  static String plural(String noun) {
    if (noun.endsWith("y") && noun.length() > 1 && !isVowel(noun.charAt(noun.length() - 2))) {
      return noun.substring(0, noun.length() - 1) + "ies";
    }
    if (noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("ch") || noun.endsWith("sh")) {
      return noun + "es";
    }
    return noun + "s";
  }

  /** The singular of a lowercase English plural, the word itself when it is not one. */
  static String singular(String word) {
    if (word.endsWith("ies") && word.length() > 4) {
      return word.substring(0, word.length() - 3) + "y";
    }
    if (word.endsWith("sses") || word.endsWith("xes") || word.endsWith("ches")) {
      return word.substring(0, word.length() - 2);
    }
    if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && word.length() > 3) {
      return word.substring(0, word.length() - 1);
    }
    return word;
  }

  static String lower(String text) {
    return text == null ? "" : text.toLowerCase(Locale.ROOT);
  }

  private static boolean isVowel(char c) {
    return "aeiou".indexOf(c) >= 0;
  }
}
