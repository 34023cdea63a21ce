package dev.shipyard.api.mail;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.UnsupportedEncodingException;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends plain-text mail over SMTP (any server: SES, Postfix, Mailpit...). SMTP is blocking I/O, so
 * sending runs on the bounded elastic scheduler. Without {@code SMTP_HOST}, nothing is sent and one
 * log line names the recipient and subject only: mail bodies can hold secrets (reset links).
 */
@Component
@EnableConfigurationProperties(MailProperties.class)
public class Mailer {

  private static final Logger log = LoggerFactory.getLogger(Mailer.class);

  private final MailProperties properties;
  private final JavaMailSenderImpl sender;

  public Mailer(MailProperties properties) {
    this.properties = properties;
    this.sender = properties.configured() ? sender(properties) : null;
    if (sender == null) {
      log.info(
          "Mail: no SMTP server configured (SMTP_HOST); mails such as password resets are not"
              + " sent, only noted in the log without their content");
    } else {
      log.info("Mail: sending through SMTP {}:{}", properties.host(), properties.port());
    }
  }

  private static JavaMailSenderImpl sender(MailProperties properties) {
    JavaMailSenderImpl sender = new JavaMailSenderImpl();
    sender.setHost(properties.host());
    sender.setPort(properties.port());
    boolean auth = properties.username() != null && !properties.username().isBlank();
    if (auth) {
      sender.setUsername(properties.username());
      sender.setPassword(properties.password());
    }
    Properties js = sender.getJavaMailProperties();
    js.put("mail.smtp.auth", String.valueOf(auth));
    js.put("mail.smtp.starttls.enable", String.valueOf(properties.starttls()));
    js.put("mail.smtp.connectiontimeout", "10000");
    js.put("mail.smtp.timeout", "10000");
    js.put("mail.smtp.writetimeout", "10000");
    return sender;
  }

  /** Sends one mail; completes when the SMTP server has accepted it. */
  public Mono<Void> send(String to, String subject, String text) {
    if (sender == null) {
      return Mono.fromRunnable(
          () ->
              log.warn(
                  "Mail not sent (no SMTP server configured): to={} subject=\"{}\"", to, subject));
    }
    return Mono.fromRunnable(() -> sender.send(message(to, subject, text)))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }

  private MimeMessage message(String to, String subject, String text) {
    MimeMessage message = sender.createMimeMessage();
    try {
      MimeMessageHelper helper = new MimeMessageHelper(message, "UTF-8");
      helper.setFrom(new InternetAddress(properties.from(), properties.fromName(), "UTF-8"));
      helper.setTo(to);
      helper.setSubject(subject);
      helper.setText(text);
    } catch (jakarta.mail.MessagingException | UnsupportedEncodingException e) {
      throw new IllegalStateException("Could not build the mail to " + to, e);
    }
    return message;
  }
}
