package dev.shipyard.activities.images;

import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import dev.shipyard.outbound.RegistryClient;
import dev.shipyard.workflows.images.ImageFailure;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;

/** The one place where exceptions of the image activities become Temporal failures. */
final class ImageFailures {

  private ImageFailures() {}

  static ApplicationFailure of(ImageFailure type, String message) {
    return type.retryable()
        ? ApplicationFailure.newFailure(message, type.name())
        : ApplicationFailure.newNonRetryableFailure(message, type.name());
  }

  /** A registry answer that is not what was asked: 5xx/429 retried, any other 4xx refused. */
  static ImageBuildException registryAnswer(String what, RegistryClient.Answer answer) {
    String text = answer.text();
    String reason = text.length() > 300 ? text.substring(0, 300) + "..." : text.strip();
    ImageFailure type =
        answer.status() >= 500 || answer.status() == 429
            ? ImageFailure.REGISTRY_UNAVAILABLE
            : ImageFailure.REGISTRY_REFUSED;
    return new ImageBuildException(
        type, what + ": the registry answered HTTP " + answer.status() + " " + reason);
  }

  static RuntimeException map(Exception e, String base) {
    if (e instanceof ApplicationFailure || e instanceof ActivityCompletionException) {
      return (RuntimeException) e;
    }
    if (e instanceof ImageBuildException b) {
      return of(b.type(), b.getMessage());
    }
    Throwable root = e;
    while (root.getCause() != null
        && root.getCause() != root
        && !(root instanceof RegistryException)) {
      root = root.getCause();
    }
    String message = root.getClass().getSimpleName() + ": " + root.getMessage();
    if (base != null && message.contains(base)) {
      return of(ImageFailure.BASE_IMAGE_UNAVAILABLE, "base image " + base + ": " + message);
    }
    if (root instanceof RegistryUnauthorizedException
        || root instanceof RegistryAuthenticationFailedException
        || root instanceof InsecureRegistryException) {
      return of(ImageFailure.REGISTRY_REFUSED, message);
    }
    if (root instanceof RegistryException) {
      boolean server = message.matches("(?s).*\\b(5\\d\\d|429)\\b.*");
      return of(
          server ? ImageFailure.REGISTRY_UNAVAILABLE : ImageFailure.REGISTRY_REFUSED, message);
    }
    if (root instanceof ConnectException || root instanceof HttpTimeoutException) {
      return of(ImageFailure.REGISTRY_UNAVAILABLE, message);
    }
    if (root instanceof IOException && message.contains("Connection refused")) {
      return of(ImageFailure.REGISTRY_UNAVAILABLE, message);
    }
    return of(ImageFailure.BUILD_FAILED, message);
  }
}
