package dev.shipyard.activities.codegen.llm;

/**
 * The model answered, but not with what was asked. The message says why in words fit to show the
 * model when asking again (and to put into the final {@link LlmException}).
 */
final class UnusableAnswer extends Exception {

  UnusableAnswer(String reason) {
    super(reason, null, false, false);
  }
}
