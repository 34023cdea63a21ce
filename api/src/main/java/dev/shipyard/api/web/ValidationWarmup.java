package dev.shipyard.api.web;

import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Hibernate Validator reads its message bundle from a jar the first time a constraint fails. Left
 * lazy, that file read would happen on the Netty event loop during the first invalid request; this
 * makes it happen once at startup instead.
 */
@Component
public class ValidationWarmup {

  private final Validator validator;

  public ValidationWarmup(Validator validator) {
    this.validator = validator;
  }

  record Sample(@NotBlank String value) {}

  @EventListener(ApplicationStartedEvent.class)
  void loadMessageBundles() {
    validator.validate(new Sample("")).forEach(violation -> violation.getMessage());
  }
}
