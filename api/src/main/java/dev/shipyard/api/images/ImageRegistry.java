package dev.shipyard.api.images;

import dev.shipyard.api.error.ApiException;
import dev.shipyard.outbound.RegistryClient;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The API's side of the configured registry ({@code IMAGE_REGISTRY}, the same one the worker pushes
 * to): retag (the manifest read by digest, put under the new tag) and delete (the manifest by
 * digest). Blocking calls, on {@code boundedElastic}. The credentials are only in the client's
 * {@code Authorization} header.
 */
@Component
class ImageRegistry {

  private final String registry;
  private final RegistryClient client;

  ImageRegistry(
      @Value("${shipyard.images.registry:}") String registry,
      @Value("${shipyard.images.registry-insecure:false}") boolean insecure,
      @Value("${shipyard.images.registry-username:}") String username,
      @Value("${shipyard.images.registry-password:}") String password) {
    this.registry = registry == null ? "" : registry.trim();
    this.client =
        this.registry.isEmpty()
            ? null
            : new RegistryClient(
                this.registry,
                insecure || loopback(this.registry),
                username,
                password,
                Duration.ofSeconds(15));
  }

  /** {@code host[:port]}, or empty when none is configured. */
  String registry() {
    return registry;
  }

  /** 503 {@code REGISTRY_NOT_CONFIGURED} when there is no registry. */
  void requireConfigured() {
    if (client == null) {
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "REGISTRY_NOT_CONFIGURED",
          "no container registry is configured: set IMAGE_REGISTRY (host[:port]) for the API and"
              + " the worker");
    }
  }

  /** Puts the manifest {@code digest} of {@code repository} under {@code tag}. */
  Mono<Void> retag(String repository, String digest, String tag) {
    return Mono.<Void>fromCallable(
            () -> {
              requireConfigured();
              RegistryClient.Answer manifest = call(() -> client.manifest(repository, digest));
              if (manifest.status() != 200) {
                throw refused("reading " + repository + "@" + digest, manifest);
              }
              String type = manifest.contentType();
              RegistryClient.Answer put =
                  call(() -> client.putManifest(repository, tag, type, manifest.body()));
              if (put.status() != 201) {
                throw refused("tagging " + repository + ":" + tag, put);
              }
              return null;
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Deletes the manifest {@code digest}; a registry that refuses is a 409 naming its answer. */
  Mono<Void> delete(String repository, String digest) {
    return Mono.<Void>fromCallable(
            () -> {
              requireConfigured();
              RegistryClient.Answer answer = call(() -> client.deleteManifest(repository, digest));
              if (answer.status() == 202 || answer.status() == 404) {
                return null; // deleted, or already gone
              }
              throw new ApiException(
                  HttpStatus.CONFLICT,
                  "REGISTRY_DELETE_REFUSED",
                  "the registry "
                      + registry
                      + " refused to delete "
                      + repository
                      + "@"
                      + digest
                      + " (HTTP "
                      + answer.status()
                      + ": "
                      + reason(answer)
                      + "); the image is kept");
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private interface Call {
    RegistryClient.Answer run() throws IOException;
  }

  private RegistryClient.Answer call(Call call) {
    try {
      return call.run();
    } catch (IOException e) {
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "REGISTRY_UNAVAILABLE",
          "the registry " + registry + " cannot be reached (" + e.getClass().getSimpleName() + ")");
    }
  }

  private ApiException refused(String what, RegistryClient.Answer answer) {
    return new ApiException(
        answer.status() >= 500 ? HttpStatus.BAD_GATEWAY : HttpStatus.CONFLICT,
        "REGISTRY_REFUSED",
        what + ": the registry answered HTTP " + answer.status() + " " + reason(answer));
  }

  private static String reason(RegistryClient.Answer answer) {
    String text = answer.text().strip();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static boolean loopback(String hostAndPort) {
    String host =
        hostAndPort.startsWith("[")
            ? hostAndPort.substring(1, Math.max(1, hostAndPort.indexOf(']')))
            : hostAndPort.indexOf(':') > 0
                ? hostAndPort.substring(0, hostAndPort.indexOf(':'))
                : hostAndPort;
    if (host.equals("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+") && !host.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }
}
