package dev.shipyard.activities.codegen.offline;

import dev.shipyard.activities.codegen.SourceFile;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** One language and framework the offline engine can generate a complete project for. */
interface Stack {

  /** The plan's stack: {@code python-fastapi}, {@code java-spring-boot}, {@code node-express}. */
  String id();

  /** The plan's language. */
  String language();

  /** The plan's framework. */
  String framework();

  /** Spellings of {@link #language()} accepted in the {@code language} constraint. */
  Set<String> languageNames();

  /** Spellings of {@link #framework()} accepted in the {@code framework} constraint. */
  Set<String> frameworkNames();

  /** Words in a request's text that ask for this framework. */
  Pattern frameworkKeywords();

  /** Words in a request's text that ask for this language. */
  Pattern languageKeywords();

  /** Every file of the project, sorted by path. */
  List<SourceFile> files(Blueprint blueprint);
}
