package dev.shipyard.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.mail.MailSenderAutoConfiguration;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcAutoConfiguration;
import org.springframework.boot.autoconfigure.security.reactive.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Shipyard API: Spring WebFlux routes that start, signal, query and cancel Temporal workflows.
 * Configuration lives in {@code api.yml} (not application.yml, so the api and the worker can share
 * one classpath in the local platform).
 */
@SpringBootApplication(
    exclude = {
      DataSourceAutoConfiguration.class,
      R2dbcAutoConfiguration.class,
      // No in-memory user with a generated password: callers are users of the database.
      ReactiveUserDetailsServiceAutoConfiguration.class,
      // The mailer builds its own sender only when SMTP_HOST is set (mail.Mailer).
      MailSenderAutoConfiguration.class
    })
@ConfigurationPropertiesScan
public class ApiApplication {

  /** The Spring config name of the API: {@code api.yml}. */
  public static final String CONFIG_NAME = "api";

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(ApiApplication.class);
    app.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
    app.run(args);
  }
}
