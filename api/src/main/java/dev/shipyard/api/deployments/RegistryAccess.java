package dev.shipyard.api.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.deployments.DeploymentRequests.RegistryAuth;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.cluster.ImageReference;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.outbound.OutboundHttp;
import dev.shipyard.outbound.OutboundRefusedException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Asks an image's registry, before a deployment with {@code registry_auth} is created or updated,
 * whether those credentials may pull the image: issue 11 wants a 422 "on registry access refused
 * when the registry can be asked", rather than a deployment that only later shows {@code
 * ImagePullBackOff}. Docker Registry HTTP API v2: {@code GET /v2/<name>/manifests/<tag|digest>}
 * with Basic credentials; a {@code 401} with a {@code Bearer} challenge is answered with the token
 * flow (the realm asked with the same Basic credentials for a pull-scoped token, then the manifest
 * again with it).
 *
 * <p>Only images that name their registry host are asked (a reference without one is Docker Hub,
 * whose credentials are asked at pull time as before). Every connection goes through the {@link
 * OutboundGuard} ({@code OUTBOUND_ALLOWED}): the registry is a destination the caller chooses.
 * HTTPS, except for loopback hosts ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}), which
 * Docker itself treats as plain-HTTP registries. 401/403 (refused) and 404 (no such repository or
 * tag) are 422 with the registry's own reason; a registry that cannot be asked (unreachable, a
 * refused destination, 5xx, anything else) does not stop the change: the answer says it was not
 * asked and why. The credentials are only ever in the {@code Authorization} header: never logged,
 * never in an answer.
 */
@Component
public class RegistryAccess {

  private static final Logger log = LoggerFactory.getLogger(RegistryAccess.class);

  /** The manifest types a pull may get (Docker v2 schema 2, OCI, and their lists). */
  static final String ACCEPT =
      String.join(
          ", ",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json");

  private static final int MAX_BODY = 64 * 1024;
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final OutboundHttp http;
  private final ObjectMapper json = new ObjectMapper();

  @Autowired
  public RegistryAccess(
      @Value("${shipyard.outbound.allowed:}") String allowed,
      @Value("${shipyard.deployments.registry-timeout:5s}") Duration timeout) {
    this(new OutboundHttp(OutboundGuard.allowing(allowed), timeout, timeout));
  }

  RegistryAccess(OutboundHttp http) {
    this.http = http;
  }

  /** What the registry said: allowed, or not asked with the reason (refusals are thrown). */
  public record Verdict(boolean asked, String note) {}

  /**
   * Asks the registry (on {@code boundedElastic}: blocking sockets) and answers the verdict, or
   * fails with a 422 {@code REGISTRY_ACCESS_REFUSED} / {@code IMAGE_NOT_FOUND} naming the
   * registry's reason. Nothing to ask (no credentials, no registry host in the image): not asked.
   */
  public Mono<Verdict> verify(String image, RegistryAuth auth) {
    if (auth == null || image == null) {
      return Mono.just(new Verdict(false, null));
    }
    ImageReference ref = ImageReference.parse(image);
    if (!image.trim().startsWith(ref.registry() + "/")) {
      return Mono.just(new Verdict(false, null)); // Docker Hub by default: not asked
    }
    return Mono.fromCallable(() -> ask(ref, auth)).subscribeOn(Schedulers.boundedElastic());
  }

  Verdict ask(ImageReference ref, RegistryAuth auth) {
    String reference =
        ref.digest() != null ? ref.digest() : ref.tag() != null ? ref.tag() : "latest";
    String where = ref.registry() + "/" + ref.repository() + ":" + reference;
    try {
      URI base = URI.create(scheme(ref.registry()) + "://" + ref.registry());
      URI manifest = base.resolve("/v2/" + ref.repository() + "/manifests/" + reference);
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (auth.username() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8));
      OutboundHttp.Response answer = manifest(manifest, basic);
      String challenge = answer.header("www-authenticate");
      if (answer.status() == 401
          && challenge != null
          && challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String token = token(challenge, ref, basic, where);
        answer = manifest(manifest, "Bearer " + token);
      }
      return judge(answer, where);
    } catch (OutboundRefusedException e) {
      return notAsked(where, "the destination is refused: " + e.getMessage());
    } catch (IOException | IllegalArgumentException e) {
      return notAsked(where, "unreachable (" + e.getClass().getSimpleName() + ")");
    }
  }

  private OutboundHttp.Response manifest(URI url, String authorization) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", ACCEPT);
    headers.put("Authorization", authorization);
    headers.put("User-Agent", "Shipyard-Registry-Check/1");
    return http.get("GET", url, headers, MAX_BODY);
  }

  /** The Bearer flow: a pull-scoped token from the challenge's realm, asked with Basic. */
  private String token(String challenge, ImageReference ref, String basic, String where)
      throws IOException {
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null) {
      throw new IOException("a Bearer challenge without realm");
    }
    StringBuilder query = new StringBuilder();
    if (params.containsKey("service")) {
      query
          .append("service=")
          .append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
    }
    String scope = params.getOrDefault("scope", "repository:" + ref.repository() + ":pull");
    query.append(query.length() > 0 ? "&" : "").append("scope=");
    query.append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
    URI url = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", basic);
    headers.put("User-Agent", "Shipyard-Registry-Check/1");
    OutboundHttp.Response answer = http.get("GET", url, headers, MAX_BODY);
    if (answer.status() == 401 || answer.status() == 403) {
      throw refused(where, answer);
    }
    if (answer.status() != 200) {
      throw new IOException("the token service answered " + answer.status());
    }
    JsonNode body = json.readTree(answer.body());
    String token = body.path("token").asText(body.path("access_token").asText(""));
    if (token.isEmpty()) {
      throw new IOException("the token service answered no token");
    }
    return token;
  }

  private Verdict judge(OutboundHttp.Response answer, String where) {
    int status = answer.status();
    if (status == 200) {
      return new Verdict(true, "registry access to " + where + " checked");
    }
    if (status == 401 || status == 403) {
      throw refused(where, answer);
    }
    if (status == 404) {
      throw new ApiException(
          new ApiError(
              HttpStatus.UNPROCESSABLE_ENTITY,
              "IMAGE_NOT_FOUND",
              "the registry has no image " + where + " (" + reason(answer, "not found") + ")",
              "image"));
    }
    return notAsked(where, "the registry answered HTTP " + status);
  }

  private ApiException refused(String where, OutboundHttp.Response answer) {
    return new ApiException(
        new ApiError(
            HttpStatus.UNPROCESSABLE_ENTITY,
            "REGISTRY_ACCESS_REFUSED",
            "the registry refused registry_auth for "
                + where
                + " (HTTP "
                + answer.status()
                + ": "
                + reason(answer, answer.status() == 403 ? "denied" : "unauthorized")
                + ")",
            "registry_auth"));
  }

  private Verdict notAsked(String where, String why) {
    log.info("Registry of {} not asked: {}", where, why);
    return new Verdict(false, "registry access to " + where + " not checked: " + why);
  }

  /** The registry's own words: {@code errors[0]} of its JSON error body, clipped. */
  private String reason(OutboundHttp.Response answer, String otherwise) {
    try {
      JsonNode error = json.readTree(answer.body()).path("errors").path(0);
      String code = error.path("code").asText("");
      String message = error.path("message").asText("");
      String text = (code.isEmpty() ? "" : code + ": ") + message;
      if (!text.isBlank()) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
      }
    } catch (IOException | RuntimeException e) {
      // not JSON
    }
    return otherwise;
  }

  /** HTTPS, except for loopback registries, which Docker reaches over plain HTTP too. */
  static String scheme(String registry) {
    String host = registry;
    if (host.startsWith("[")) {
      host = host.substring(1, host.indexOf(']'));
    } else if (host.indexOf(':') > 0) {
      host = host.substring(0, host.indexOf(':'));
    }
    if (host.equals("localhost")) {
      return "http";
    }
    if (host.matches("[0-9.]+") || host.contains(":")) {
      try {
        if (InetAddress.getByName(host).isLoopbackAddress()) {
          return "http";
        }
      } catch (IOException e) {
        return "https";
      }
    }
    return "https";
  }
}
