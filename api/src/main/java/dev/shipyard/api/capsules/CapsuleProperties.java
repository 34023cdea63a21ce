package dev.shipyard.api.capsules;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Capsule generation as the API starts it (README: Configuration).
 *
 * @param engine the engine of requests that name none: {@code offline} or {@code llm}
 * @param syncWait how long {@code POST /generate/robust-capsule} waits for the result before
 *     answering 202 with a reference to poll
 * @param maxIterations the default validate rounds (first generation included)
 * @param targetScore the default target score
 */
@ConfigurationProperties("shipyard.capsules")
record CapsuleProperties(String engine, Duration syncWait, int maxIterations, double targetScore) {}
