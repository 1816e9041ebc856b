package io.github.imagepullwebhook.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** Checks of an installed webhook (by helm or by {@code kubectl apply -f deploy/}) that tests 2 share. */
final class Installed {

    static final String NAMESPACE = "image-pull-webhook";
    static final String NAME = "image-pull-webhook";

    private Installed() {
    }

    /** Waits until the Deployment has {@code replicas} ready pods of its newest template and no others. */
    static List<Pod> readyReplicas(E2ECluster cluster, int replicas, Duration timeout) {
        return Eventually.until(timeout, replicas + " ready webhook replicas", () -> readyNow(cluster, replicas));
    }

    /** The webhook's pods when the Deployment has rolled out {@code replicas} ready ones and nothing else; else null. */
    static List<Pod> readyNow(E2ECluster cluster, int replicas) {
        Deployment d = cluster.client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).get();
        if (d == null || d.getStatus() == null || d.getStatus().getObservedGeneration() == null
                || d.getStatus().getObservedGeneration() < d.getMetadata().getGeneration()
                || !Objects.equals(d.getStatus().getReadyReplicas(), replicas)
                || !Objects.equals(d.getStatus().getUpdatedReplicas(), replicas)
                || !Objects.equals(d.getStatus().getReplicas(), replicas)) {
            return null;
        }
        List<Pod> pods = webhookPods(cluster);
        return pods.size() == replicas && pods.stream().allMatch(Installed::ready) ? pods : null;
    }

    static List<Pod> webhookPods(E2ECluster cluster) {
        return cluster.client.pods().inNamespace(NAMESPACE)
                .withLabel("app.kubernetes.io/name", "image-pull-webhook").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    /**
     * The managed-certificates mode after two replicas raced: exactly one Secret in the namespace
     * (besides the ServiceAccount tokens, which carry the cluster's CA) holds a CA, it is the chart's, and the CA is the caBundle of every entry of the given
     * webhook configurations. Returns the CA certificate (PEM). Only {@code ca.crt} is read.
     */
    static String oneCaInEveryConfiguration(E2ECluster cluster, boolean validatingToo) {
        List<Secret> withCa = Eventually.until(Duration.ofSeconds(60), "a Secret with a CA", () -> {
            List<Secret> found = cluster.client.secrets().inNamespace(NAMESPACE).list().getItems().stream()
                    .filter(s -> !"kubernetes.io/service-account-token".equals(s.getType()))
                    .filter(s -> s.getData() != null && s.getData().containsKey("ca.crt")).toList();
            return found.isEmpty() ? null : found;
        });
        assertThat(withCa).as("Secrets holding a CA").extracting(s -> s.getMetadata().getName())
                .containsExactly(NAME + "-tls");
        String ca = new String(Base64.getDecoder().decode(withCa.get(0).getData().get("ca.crt")), StandardCharsets.UTF_8);
        Eventually.until(Duration.ofSeconds(60), "every webhook entry carries the CA as caBundle", () -> {
            List<String> bundles = new ArrayList<>();
            var mutating = cluster.client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(NAME).get();
            mutating.getWebhooks().forEach(w -> bundles.add(w.getClientConfig().getCaBundle()));
            if (validatingToo) {
                var validating = cluster.client.admissionRegistration().v1().validatingWebhookConfigurations()
                        .withName(NAME).get();
                validating.getWebhooks().forEach(w -> bundles.add(w.getClientConfig().getCaBundle()));
            }
            return !bundles.isEmpty() && bundles.stream().allMatch(b -> b != null
                    && new String(Base64.getDecoder().decode(b), StandardCharsets.UTF_8).equals(ca));
        });
        return ca;
    }

    /**
     * Every replica serves a certificate for the Service's name that chains to {@code caPem}:
     * a TLS handshake with each pod's address, trusting only that CA.
     */
    static void everyReplicaServesUnder(String caPem, List<Pod> pods) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        Certificate ca = factory.generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.UTF_8)));
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        for (Pod pod : pods) {
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(pod.getStatus().getPodIP(), 8443), 5000);
                socket.setSoTimeout(5000);
                socket.startHandshake();
                X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                assertThat(served.getSubjectAlternativeNames()).as("names served by " + pod.getMetadata().getName())
                        .anySatisfy(n -> assertThat(n.get(1)).isEqualTo(NAME + "." + NAMESPACE + ".svc"));
            }
        }
    }

    static Map<String, String> profile(String name) {
        return Map.of("image-pull-webhook.io/profile", name);
    }
}
