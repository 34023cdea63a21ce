package dev.shipyard.api.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.api.web.Message;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Saved delivery targets: a destination with its credentials, sealed when stored and never answered
 * (only their names), so a deliver config can name {@code target_id} instead of sending credentials
 * each time. Each user's own: another user's target does not exist for them.
 */
@RestController
class DeliveryTargetController {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final DeliveryStore store;
  private final DeliveryCredentialSealer sealer;
  private final ObjectMapper strict;

  DeliveryTargetController(
      DeliveryStore store, DeliveryCredentialSealer sealer, ObjectMapper json) {
    this.store = store;
    this.sealer = sealer;
    this.strict = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  }

  @PostMapping("/delivery/targets")
  @ResponseStatus(HttpStatus.CREATED)
  @PreAuthorize("hasAuthority('delivery:create')")
  @DocumentedErrors({HttpStatus.CONFLICT, HttpStatus.SERVICE_UNAVAILABLE})
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @io.swagger.v3.oas.annotations.media.Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema =
                  @io.swagger.v3.oas.annotations.media.Schema(
                      implementation = DeliveryBodies.TargetRequest.class)))
  public Mono<DeliveryBodies.Target> create(
      @AuthenticationPrincipal Caller caller, @RequestBody JsonNode body) {
    DeliveryBodies.TargetRequest request = parse(body);
    if (request.name() == null || !NAME.matcher(request.name()).matches()) {
      throw CapsuleErrors.invalid(
          "name", "name must be 1 to 64 letters, digits, '.', '_' or '-', starting alphanumeric");
    }
    DeliveryConfigs.Checked checked =
        DeliveryConfigs.check(
            "body",
            request.mode(),
            request.destination(),
            request.credentials(),
            request.options(),
            true);
    UUID id = Secrets.uuid();
    // sealing draws from SecureRandom (it may read /dev/urandom): off the event loop
    return Mono.fromCallable(() -> sealer.seal(checked.credentials()))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(box -> store.insertTarget(caller, id, request.name(), checked, box))
        .flatMap(
            inserted ->
                inserted
                    ? store.target(caller, id)
                    : Mono.error(
                        CapsuleErrors.conflict(
                            "TARGET_EXISTS",
                            "You already have a delivery target named " + request.name())))
        .map(DeliveryTargetController::body);
  }

  @GetMapping("/delivery/targets")
  @PreAuthorize("hasAuthority('delivery:read')")
  public Mono<DeliveryBodies.Targets> list(@AuthenticationPrincipal Caller caller) {
    return store
        .targets(caller)
        .map(DeliveryTargetController::body)
        .collectList()
        .map(DeliveryBodies.Targets::new);
  }

  @DeleteMapping("/delivery/targets/{targetId}")
  @PreAuthorize("hasAuthority('delivery:create')")
  public Mono<Message> delete(
      @AuthenticationPrincipal Caller caller, @PathVariable String targetId) {
    UUID id;
    try {
      id = UUID.fromString(targetId);
    } catch (IllegalArgumentException e) {
      return Mono.error(targetNotFound(targetId));
    }
    return store
        .deleteTarget(caller, id)
        .flatMap(
            deleted ->
                deleted
                    ? Mono.just(new Message("Delivery target " + id + " deleted"))
                    : Mono.error(targetNotFound(targetId)));
  }

  private static DeliveryBodies.Target body(DeliveryStore.TargetRow t) {
    return new DeliveryBodies.Target(
        t.id().toString(),
        t.name(),
        t.mode(),
        t.destination(),
        t.options(),
        t.credentialNames(),
        t.createdAt().withOffsetSameInstant(ZoneOffset.UTC));
  }

  private DeliveryBodies.TargetRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw CapsuleErrors.invalid("body", "The body must be a JSON object");
    }
    try {
      return strict.treeToValue(body, DeliveryBodies.TargetRequest.class);
    } catch (UnrecognizedPropertyException e) {
      throw CapsuleErrors.invalid(
          e.getPropertyName(), "Unknown field '" + e.getPropertyName() + "'");
    } catch (JsonProcessingException e) {
      throw CapsuleErrors.invalid("body", "The body does not match the delivery target request");
    }
  }

  private static ApiException targetNotFound(String id) {
    return new ApiException(
        HttpStatus.NOT_FOUND, "TARGET_NOT_FOUND", "Delivery target " + id + " not found");
  }
}
