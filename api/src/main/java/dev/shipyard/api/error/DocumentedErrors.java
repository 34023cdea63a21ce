package dev.shipyard.api.error;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.http.HttpStatus;

/**
 * Error statuses a handler answers beyond those every operation of its kind gets in the OpenAPI
 * document ({@link ErrorDocumentation}): for example 409 for a conflict or 423 for a locked
 * account. Each is documented in the family's error shape.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface DocumentedErrors {
  HttpStatus[] value();
}
