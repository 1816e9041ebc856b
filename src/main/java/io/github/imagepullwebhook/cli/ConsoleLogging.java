package io.github.imagepullwebhook.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging set up in code, found by Logback through its {@code Configurator} service: one line
 * per event on standard output, as container log collectors expect; {@code LOG_LEVEL} sets our
 * own loggers' level; Netty and Vert.x only warn. Done in code rather than {@code logback.xml}
 * because parsing the XML was a measurable part of startup, and startup is time the apiserver
 * waits on a new replica. {@code -Dlogback.configurationFile=...} still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class ConsoleLogging extends ContextAwareBase implements Configurator {

    private static final String STDOUT = "STDOUT";
    private static final String STDERR = "STDERR";

    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %-5level [%thread] %logger{20} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console(context, STDOUT));
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("io.vertx").setLevel(Level.WARN);
        context.getLogger("io.github.imagepullwebhook").setLevel(Level.toLevel(System.getenv("LOG_LEVEL"), Level.INFO));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * For commands whose standard output is a report ({@code audit}): log lines, fabric8's
     * relayed API server warnings among them, go to standard error instead, so the report stays
     * parsable. Does nothing when a {@code logback.configurationFile} chose other appenders.
     */
    static void toStandardError() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(STDOUT) != null && root.getAppender(STDERR) == null) {
            root.addAppender(console(context, STDERR));
            root.detachAppender(STDOUT);
        }
    }

    /** An appender with our pattern on {@code STDOUT} or {@code STDERR}. */
    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String name) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setTarget(STDERR.equals(name) ? "System.err" : "System.out");
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
