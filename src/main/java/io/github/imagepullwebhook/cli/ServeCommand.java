package io.github.imagepullwebhook.cli;

import io.github.imagepullwebhook.config.TlsConfig;
import io.github.imagepullwebhook.config.WebhookConfig;
import io.github.imagepullwebhook.server.WebhookMetrics;
import io.github.imagepullwebhook.server.WebhookServer;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.imagepullwebhook.tls.ManagedCertificates;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: the HTTPS webhook. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve AdmissionReviews over HTTPS (default port 8443) until SIGTERM.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "YAML configuration file (every key optional).")
    Path config;

    @Option(names = "--port", description = "HTTPS port; overrides server.port.")
    Integer port;

    @Option(names = "--metrics-port", description = "Metrics port (-1 disables); overrides server.metricsPort.")
    Integer metricsPort;

    @Option(names = "--bind-address", description = "IP address of the HTTPS port (default all interfaces); "
            + "overrides server.bindAddress.")
    String bindAddress;

    @Option(names = "--metrics-bind-address", description = "IP address of the metrics port (default all "
            + "interfaces); overrides server.metricsBindAddress.")
    String metricsBindAddress;

    @Option(names = "--cert-dir", description = "Where a generated CA and certificate are written when no "
            + "certificate is configured (default: ${DEFAULT-VALUE}).",
            defaultValue = "${java.io.tmpdir}/image-pull-webhook")
    Path certDir;

    @Option(names = "--service-name", defaultValue = "image-pull-webhook",
            description = "Service name put in a generated certificate (default: ${DEFAULT-VALUE}).")
    String serviceName;

    @Option(names = "--instances", description = "Event-loop servers (default: one per core).")
    Integer instances;

    @Option(names = "--check", description = "Start, send one review to this server over TLS, print the "
            + "answer, stop. Exit status 0 when the webhook answered as it must.")
    boolean check;

    @Option(names = "--manage-certificates", description = "Keep the CA and serving certificate in a Secret "
            + "shared by all replicas, write the CA into the webhook configurations' caBundle, renew before expiry.")
    boolean manageCertificates;

    @Option(names = "--certificate-secret", defaultValue = "image-pull-webhook-tls",
            description = "With --manage-certificates: the Secret in POD_NAMESPACE (default: ${DEFAULT-VALUE}).")
    String certificateSecret;

    @Option(names = "--webhook-configuration", defaultValue = "image-pull-webhook",
            description = "With --manage-certificates: name of the Mutating/ValidatingWebhookConfiguration "
                    + "(default: ${DEFAULT-VALUE}).")
    String webhookConfiguration;

    @Option(names = "--certificate-check-minutes", defaultValue = "10",
            description = "With --manage-certificates: how often the Secret is checked (default: ${DEFAULT-VALUE}).")
    long certificateCheckMinutes;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WebhookConfig webhook = withFlags(Wiring.load(config));
        if (check) {
            webhook = webhook.withServer(webhook.server().withShutdownDelayMillis(0)); // no endpoints to drain
        }
        if (manageCertificates) {
            webhook = serving(webhook, managedCertificates());
        } else if (webhook.server().tls().generated()) {
            webhook = serving(webhook, generateCertificates());
        }
        Vertx vertx = Vertx.vertx();
        int servers = instances != null ? instances : Runtime.getRuntime().availableProcessors();
        WebhookServer server;
        try {
            WebhookMetrics metrics = new WebhookMetrics();
            Wiring wiring = new Wiring(webhook);
            server = WebhookServer.start(vertx, webhook, wiring.admissionService(wiring.clusterPinning(vertx,
                    metrics.registry())),
                    servers, metrics).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            spec.commandLine().getErr().println("image-pull-webhook: cannot start: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        if (check) {
            return selfCheck(vertx, server, webhook);
        }
        LoggerFactory.getLogger(ServeCommand.class).info("ready {} ms after main() began",
                (System.nanoTime() - Main.STARTED_NANOS) / 1_000_000);
        CountDownLatch stopped = new CountDownLatch(1);
        long grace = webhook.server().shutdownDelayMillis() + webhook.server().shutdownTimeoutMillis() + 5_000;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop().compose(v -> vertx.close()).await(grace, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                System.err.println("image-pull-webhook: shutdown did not complete: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    private int selfCheck(Vertx vertx, WebhookServer server, WebhookConfig webhook) {
        int status = 0;
        try {
            spec.commandLine().getOut().println(SelfCheck.run(webhook.server().bindAddress(), server.port(),
                    Path.of(webhook.server().tls().certFile()), webhook.server().tls().clientAuth()));
        } catch (Exception e) {
            spec.commandLine().getErr().println("image-pull-webhook: self-check failed: " + e.getMessage());
            status = 1;
        }
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        server.stop().compose(v -> vertx.close()).await();
        return status;
    }

    private WebhookConfig withFlags(WebhookConfig webhook) {
        var server = webhook.server();
        if (port != null) {
            server = server.withPort(port);
        }
        if (metricsPort != null) {
            server = server.withMetricsPort(metricsPort);
        }
        if (bindAddress != null || metricsBindAddress != null) {
            server = server.withBindAddresses(bindAddress != null ? bindAddress : server.bindAddress(),
                    metricsBindAddress != null ? metricsBindAddress : server.metricsBindAddress());
        }
        return webhook.withServer(server);
    }

    private static String namespace() {
        return System.getenv().getOrDefault(Wiring.POD_NAMESPACE, "image-pull-webhook");
    }

    /** Serves {@code files}, keeping the configured client CA and names. */
    private static WebhookConfig serving(WebhookConfig webhook, GeneratedCertificates files) {
        TlsConfig tls = webhook.server().tls().withServingFiles(files.certFile().toString(), files.keyFile().toString());
        return webhook.withServer(webhook.server().withTls(tls));
    }

    private GeneratedCertificates managedCertificates() throws IOException {
        KubernetesClient client = new KubernetesClientBuilder().build();
        ManagedCertificates managed = new ManagedCertificates(client, namespace(), certificateSecret, webhookConfiguration,
                GeneratedCertificates.serviceNames(serviceName, namespace()), certDir, Clock.systemUTC());
        GeneratedCertificates files = managed.ensure();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "managed-certificates");
            thread.setDaemon(true);
            return thread;
        });
        managed.keepFresh(scheduler, Duration.ofMinutes(certificateCheckMinutes));
        return files;
    }

    private GeneratedCertificates generateCertificates() throws IOException {
        GeneratedCertificates files = GeneratedCertificates.create(certDir,
                GeneratedCertificates.serviceNames(serviceName, namespace()));
        spec.commandLine().getOut().println("No certificate configured: generated a CA and serving certificate.");
        spec.commandLine().getOut().println("CA bundle: " + files.caFile().toAbsolutePath());
        spec.commandLine().getOut().flush();
        return files;
    }
}
