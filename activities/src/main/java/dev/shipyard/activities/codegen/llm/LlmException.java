package dev.shipyard.activities.codegen.llm;

/**
 * A failed LLM call, after the engine's own retries. The message says what failed and how often it
 * was tried; it never contains the API key or the Authorization header (the server's own words are
 * passed through a redactor first).
 */
public class LlmException extends RuntimeException {

  /** What went wrong; {@link #retryable()} follows from it. */
  public enum Kind {
    /** HTTP 429 on every attempt. */
    RATE_LIMITED(true),
    /** HTTP 408 or 5xx on every attempt. */
    SERVER_ERROR(true),
    /** No connection, connection lost, or no complete answer within the timeout. */
    NETWORK(true),
    /** The worker thread was interrupted while calling or waiting to retry. */
    INTERRUPTED(true),
    /** HTTP 401 or 403: the API key is missing, wrong or lacks access. */
    AUTH(false),
    /** HTTP 404: wrong base URL or unknown model. */
    NOT_FOUND(false),
    /**
     * Any other 4xx (400, 413, 422, ...), or a redirect (never followed: it would resend the key).
     */
    REJECTED(false),
    /** The model refused to answer (structured-output refusal). */
    REFUSED(false),
    /**
     * The answer is not usable (not a chat completion, not the JSON asked for, unsafe paths, over
     * the limits), also after re-asking.
     */
    INVALID_OUTPUT(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;
  private final int statusCode;
  private final int attempts;

  /**
   * @param message must not contain secrets
   * @param statusCode the last HTTP status, or 0 when there was none
   * @param attempts how many times the call was made
   */
  public LlmException(Kind kind, String message, int statusCode, int attempts) {
    this(kind, message, statusCode, attempts, null);
  }

  LlmException(Kind kind, String message, int statusCode, int attempts, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.statusCode = statusCode;
    this.attempts = attempts;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether trying again later may succeed (Temporal may retry the activity). */
  public boolean retryable() {
    return kind.retryable();
  }

  /** The last HTTP status, or 0 when no response was received. */
  public int statusCode() {
    return statusCode;
  }

  /** How many HTTP requests (or, for {@link Kind#INVALID_OUTPUT}, answers) were tried. */
  public int attempts() {
    return attempts;
  }
}
