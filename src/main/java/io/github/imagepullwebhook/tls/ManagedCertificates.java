package io.github.imagepullwebhook.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --manage-certificates}: certificates without cert-manager.
 *
 * <ol>
 *   <li>Read the webhook's own Secret (the chart creates it empty). If it holds a CA and a
 *       serving certificate that is not within {@link #RENEW_BEFORE} of expiry, use them.</li>
 *   <li>Otherwise issue a serving certificate (keeping the stored CA when it is still good) and
 *       write the Secret back with its resourceVersion. Replicas race here; the loser gets a
 *       409, reads the winner's certificate and uses it, so all replicas serve the same one.</li>
 *   <li>Write the PEM files atomically where the server reads them; the server's file watcher
 *       reloads them.</li>
 *   <li>Put the CA into {@code caBundle} of the webhook's own Mutating and Validating
 *       configurations.</li>
 * </ol>
 * Repeated periodically so that renewal happens while the process runs. Every call blocks
 * (Kubernetes API), so it runs at start-up and on a scheduler thread, never on an event loop.
 * Needs {@code get}/{@code update} on one Secret and two webhook configurations, by name.
 */
public final class ManagedCertificates {

    public static final Duration RENEW_BEFORE = Duration.ofDays(30);
    static final String CA_CERT = "ca.crt";
    static final String CA_KEY = "ca.key";
    static final String TLS_CERT = "tls.crt";
    static final String TLS_KEY = "tls.key";
    private static final int ATTEMPTS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ManagedCertificates.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String secretName;
    private final String webhookConfiguration;
    private final List<String> dnsNames;
    private final Path dir;
    private final Clock clock;

    public ManagedCertificates(KubernetesClient client, String namespace, String secretName, String webhookConfiguration,
                               List<String> dnsNames, Path dir, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.secretName = secretName;
        this.webhookConfiguration = webhookConfiguration;
        this.dnsNames = List.copyOf(dnsNames);
        this.dir = dir;
        this.clock = clock;
    }

    /** Steps 1–4 once. Blocking. */
    public GeneratedCertificates ensure() throws IOException {
        Stored stored = ensureSecret();
        GeneratedCertificates files = GeneratedCertificates.write(dir, stored.caPem(), stored.serving());
        injectCaBundle(stored.caPem());
        return files;
    }

    /** Repeats {@link #ensure()} every {@code period}; failures are logged and retried next time. */
    public void keepFresh(ScheduledExecutorService scheduler, Duration period) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                ensure();
            } catch (IOException | KubernetesClientException e) {
                LOG.warn("managed certificates: {}; will retry in {}", e.getMessage(), period);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Stored ensureSecret() throws IOException {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
            if (secret == null) {
                throw new IOException("Secret " + namespace + "/" + secretName + " does not exist; the chart creates "
                        + "it (empty) for the webhook to fill");
            }
            Optional<Stored> current = Stored.read(secret.getData());
            if (current.isPresent() && !current.get().needsRenewal(clock)) {
                return current.get();
            }
            Stored next = issue(current);
            secret.setData(next.toData());
            try {
                client.secrets().inNamespace(namespace).resource(secret).update();
                LOG.info("managed certificates: {} serving certificate stored in Secret {}/{}",
                        current.isPresent() ? "renewed" : "new", namespace, secretName);
                return next;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw new IOException("cannot update Secret " + namespace + "/" + secretName + ": " + e.getStatus()
                            .getMessage(), e);
                }
                LOG.info("managed certificates: another replica updated Secret {}/{} first; using theirs", namespace,
                        secretName);
            }
        }
        throw new IOException("Secret " + namespace + "/" + secretName + " kept changing; gave up after " + ATTEMPTS
                + " attempts");
    }

    /** A new serving certificate, from the stored CA when it has long enough to live. */
    private Stored issue(Optional<Stored> current) throws IOException {
        CertificateAuthority ca = current.filter(s -> !expiresSoon(s.ca().certificate(), clock))
                .map(Stored::ca)
                .orElse(null);
        if (ca == null) {
            ca = CertificateAuthority.create();
        }
        return new Stored(ca, ca.certificatePem(), ca.issue(dnsNames, CertificateAuthority.SERVING_VALIDITY));
    }

    private void injectCaBundle(String caPem) {
        String bundle = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8));
        MutatingWebhookConfiguration mutating = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(webhookConfiguration).get();
        if (mutating != null && mutating.getWebhooks().stream().anyMatch(w -> !bundle.equals(w.getClientConfig().getCaBundle()))) {
            mutating.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(bundle));
            client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(mutating).update();
            LOG.info("managed certificates: caBundle written to MutatingWebhookConfiguration {}", webhookConfiguration);
        }
        ValidatingWebhookConfiguration validating = client.admissionRegistration().v1().validatingWebhookConfigurations()
                .withName(webhookConfiguration).get();
        if (validating != null && validating.getWebhooks().stream().anyMatch(w -> !bundle.equals(w.getClientConfig().getCaBundle()))) {
            validating.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(bundle));
            client.admissionRegistration().v1().validatingWebhookConfigurations().resource(validating).update();
            LOG.info("managed certificates: caBundle written to ValidatingWebhookConfiguration {}", webhookConfiguration);
        }
    }

    static boolean expiresSoon(X509Certificate certificate, Clock clock) {
        return certificate.getNotAfter().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE));
    }

    /** What the Secret holds, parsed. */
    private record Stored(CertificateAuthority ca, String caPem, CertificateAuthority.ServingCertificate serving) {

        static Optional<Stored> read(Map<String, String> data) {
            if (data == null || !data.keySet().containsAll(List.of(CA_CERT, CA_KEY, TLS_CERT, TLS_KEY))) {
                return Optional.empty();
            }
            try {
                String caPem = decode(data.get(CA_CERT));
                CertificateAuthority ca = CertificateAuthority.fromPem(caPem, decode(data.get(CA_KEY)));
                var serving = new CertificateAuthority.ServingCertificate(decode(data.get(TLS_CERT)), decode(data.get(TLS_KEY)));
                serving.certificate().verify(ca.certificate().getPublicKey());
                return Optional.of(new Stored(ca, caPem, serving));
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                LOG.warn("managed certificates: the stored certificate is unusable ({}); issuing a new one",
                        e.getClass().getSimpleName());
                return Optional.empty();
            }
        }

        boolean needsRenewal(Clock clock) throws IOException {
            return expiresSoon(serving.certificate(), clock) || expiresSoon(ca.certificate(), clock);
        }

        Map<String, String> toData() throws IOException {
            Map<String, String> data = new HashMap<>();
            data.put(CA_CERT, encode(caPem));
            data.put(CA_KEY, encode(ca.keyPem()));
            data.put(TLS_CERT, encode(serving.certificatePem()));
            data.put(TLS_KEY, encode(serving.keyPem()));
            return data;
        }

        private static String decode(String base64) {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        }

        private static String encode(String text) {
            return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
