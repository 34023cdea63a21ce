package dev.shipyard.api.mail;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Outgoing mail (README: Configuration). With no host, mails are not sent and a log line says so
 * (without the mail's secret content).
 */
@ConfigurationProperties("shipyard.mail")
public record MailProperties(
    String host,
    int port,
    String username,
    String password,
    boolean starttls,
    String from,
    String fromName) {

  public boolean configured() {
    return host != null && !host.isBlank();
  }

  @Override
  public String toString() {
    return "MailProperties[host=" + host + ", port=" + port + ", password=(hidden)]";
  }
}
