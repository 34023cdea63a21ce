package dev.shipyard.standalone.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Everything logged in the test JVM (API, worker and test side) while open, with the given loggers
 * at DEBUG: for the tests that prove a secret is never logged.
 */
public final class LogCapture implements AutoCloseable {

  /** The platform's main loggers, including Spring's request logging and the codecs. */
  public static final List<String> PLATFORM_LOGGERS =
      List.of(
          "dev.shipyard",
          "org.springframework.security",
          "org.springframework.web",
          "org.springframework.http",
          "org.springframework.core.codec",
          "org.springframework.r2dbc",
          "org.springframework.mail",
          "io.r2dbc.postgresql",
          "reactor.netty.http.server");

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Map<String, Level> previous = new LinkedHashMap<>();

  public LogCapture(List<String> debugLoggers) {
    appender.setContext(context);
    appender.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    for (String name : debugLoggers) {
      Logger logger = context.getLogger(name);
      previous.put(name, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
  }

  public List<ILoggingEvent> events() {
    return new ArrayList<>(appender.list);
  }

  /** Logger name, formatted message and stack trace of an event, as one string. */
  public static String render(ILoggingEvent event) {
    String text = event.getLoggerName() + " " + event.getFormattedMessage();
    if (event.getThrowableProxy() != null) {
      text += " " + ThrowableProxyUtil.asString(event.getThrowableProxy());
    }
    return text;
  }

  @Override
  public void close() {
    previous.forEach((name, level) -> context.getLogger(name).setLevel(level));
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    appender.stop();
  }
}
