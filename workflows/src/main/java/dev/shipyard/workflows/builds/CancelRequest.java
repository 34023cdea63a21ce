package dev.shipyard.workflows.builds;

/**
 * The {@code cancel} signal of a build: who asked and why (shown in the build's error and the Web
 * UI; never a secret).
 *
 * @param by the username that asked
 * @param reason a short line, may be null
 */
public record CancelRequest(String by, String reason) {}
