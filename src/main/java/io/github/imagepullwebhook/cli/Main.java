package io.github.imagepullwebhook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.Pinning;
import io.github.imagepullwebhook.config.RegistryConfig;
import io.github.imagepullwebhook.credentials.CredentialProviders;
import io.github.imagepullwebhook.credentials.InvalidCredentialProviderConfigException;
import io.github.imagepullwebhook.credentials.InvalidDockerConfigException;
import io.github.imagepullwebhook.credentials.Keychain;
import io.github.imagepullwebhook.credentials.Keyring;
import io.github.imagepullwebhook.credentials.NodeCredentials;
import io.github.imagepullwebhook.credentials.StaticKeychain;
import io.github.imagepullwebhook.registry.CachingResolver;
import io.github.imagepullwebhook.registry.DigestResolver;
import io.github.imagepullwebhook.registry.HostGuard;
import io.github.imagepullwebhook.registry.RegistryClient;
import io.github.imagepullwebhook.server.HandshakeWarmup;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.config.WebhookConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code image-pull-webhook} command. */
@Command(name = "image-pull-webhook", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kubernetes mutating admission webhook that decides how container images are pulled.",
        subcommands = {ServeCommand.class, MutateCommand.class, ResolveCommand.class, AuditCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    /** Where the webhook runs, from the Downward API; its own namespace is never mutated. */
    static final String POD_NAMESPACE = "POD_NAMESPACE";

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

    static WebhookConfig loadConfig(Path file) throws IOException {
        return file == null ? WebhookConfig.DEFAULT : WebhookConfig.load(file);
    }

    /** The admission service without pinning. */
    static AdmissionService admissionService(WebhookConfig config) {
        return admissionService(config, null);
    }

    /** The admission service both commands use, so the server and {@code mutate} decide alike. */
    static AdmissionService admissionService(WebhookConfig config, Pinning pinning) {
        return new AdmissionService(new ObjectMapper(), skipRules(config, System.getenv(POD_NAMESPACE)), pinning);
    }

    /** The server's skip predicate: {@code ignoreNamespaces} and the webhook's own namespace, when known. */
    static SkipRules skipRules(WebhookConfig config, String ownNamespace) {
        Set<String> ignored = new HashSet<>(config.ignoreNamespaces());
        if (ownNamespace != null && !ownNamespace.isBlank()) {
            ignored.add(ownNamespace);
        }
        return new SkipRules(ignored);
    }

    /** Registry client behind the digest cache, as {@code registry:} configures them. */
    static DigestResolver resolver(Vertx vertx, RegistryConfig registry) {
        return resolver(vertx, registry, new SimpleMeterRegistry());
    }

    static DigestResolver resolver(Vertx vertx, RegistryConfig registry, MeterRegistry meters) {
        HttpClientOptions options = new HttpClientOptions();
        if (registry.caFile() != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(registry.caFile()));
        }
        HostGuard guard = new HostGuard(vertx, registry.allow(), registry.deny());
        RegistryClient client = new RegistryClient(vertx, options, Set.copyOf(registry.insecure()),
                registry.timeout().toMillis(), guard);
        return new CachingResolver(client, registry.cacheTtl(), registry.negativeCacheTtl(), registry.cacheSize(), meters);
    }

    /** Pinning with {@code keychain}, or null when no profile pins. */
    static Pinning pinning(Vertx vertx, WebhookConfig config, Keychain keychain) {
        return pinning(vertx, config, keychain, new SimpleMeterRegistry());
    }

    static Pinning pinning(Vertx vertx, WebhookConfig config, Keychain keychain, MeterRegistry meters) {
        if (!config.readsPullSecrets()) {
            return null;
        }
        RegistryConfig registry = config.registry();
        return new Pinning(keychain, resolver(vertx, registry, meters), registry.timeout(),
                registry.onError() == RegistryConfig.OnError.DENY);
    }

    /** The node-level credentials {@code registry:} configures: its config.json, then its credential provider plugins. */
    static NodeCredentials nodeCredentials(RegistryConfig registry) throws IOException {
        return new NodeCredentials(nodeKeyring(registry), credentialProviders(registry));
    }

    static Keyring nodeKeyring(RegistryConfig registry) throws IOException {
        try {
            return StaticKeychain.load(registry.dockerConfigFile() == null ? null : Path.of(registry.dockerConfigFile()));
        } catch (InvalidDockerConfigException e) {
            throw new IOException("registry.dockerConfigFile: " + e.getMessage(), e);
        }
    }

    /** Read and checked now, so a broken configuration or a missing plugin stops the start with one line. */
    static CredentialProviders credentialProviders(RegistryConfig registry) throws IOException {
        if (!registry.hasCredentialProviders()) {
            return CredentialProviders.NONE;
        }
        try {
            return CredentialProviders.load(Path.of(registry.credentialProviderConfig()),
                    Path.of(registry.credentialProviderBinDir()), registry.timeout());
        } catch (InvalidCredentialProviderConfigException e) {
            throw new IOException("registry.credentialProviderConfig: " + e.getMessage(), e);
        }
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
