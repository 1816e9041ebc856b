package io.github.imagepullwebhook.cli;

import io.github.imagepullwebhook.server.HandshakeWarmup;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code image-pull-webhook} command. */
@Command(name = "image-pull-webhook", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kubernetes mutating admission webhook that decides how container images are pulled.",
        subcommands = {ServeCommand.class, MutateCommand.class, ResolveCommand.class, AuditCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    /** When {@code main} began, for the startup time {@code serve} reports (JMX would add to it). */
    static final long STARTED_NANOS = System.nanoTime();

    /**
     * Netty asks whether JDK Flight Recorder is available before its first pooled allocation, to
     * emit allocator events; the answer initialises Flight Recorder, which measured about 0.1 s
     * between "listening" and the first answered request. Off unless the user asks for it
     * ({@code -Dio.netty.jfr.enabled=true}); a Flight Recorder started with the JVM still works.
     */
    private static final String NETTY_JFR = "io.netty.jfr.enabled";

    public static void main(String[] args) {
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
        if (args.length > 0 && "serve".equals(args[0])) {
            HandshakeWarmup.start(); // as early as possible: it overlaps everything up to the first request
        }
        System.exit(run(args));
    }

    static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line as {@code main} runs it (tests run the same one). */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::refuse);
    }

    /**
     * A configuration or input the command cannot use is the user's to fix: one line naming the
     * problem, exit code 2, no stack trace. Anything else is a bug and keeps its stack trace.
     */
    private static int refuse(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        if (!(e instanceof IllegalArgumentException || e instanceof IOException)) {
            throw e;
        }
        command.getErr().println("image-pull-webhook " + command.getCommandName() + ": " + e.getMessage());
        command.getErr().flush();
        return 2;
    }

    /** Reads the version Maven writes into the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"image-pull-webhook " + (version == null ? "(development build)" : version)};
        }
    }
}
