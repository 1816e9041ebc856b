package io.github.imagepullwebhook.cli;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code serve --check}: one real review sent to the running server over TLS, trusting exactly
 * the certificate the server serves. Proves that configuration, certificate and policy work
 * together; the container build also runs it to record which classes start-up needs.
 */
final class SelfCheck {

    /** A pod as the apiserver sends it, with an init container, before defaulting. */
    static final String REVIEW = """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"self-check",
             "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
             "operation":"CREATE","namespace":"self-check","object":{"apiVersion":"v1","kind":"Pod",
             "metadata":{"name":"self-check"},"spec":{"initContainers":[{"name":"init","image":"busybox:1.36"}],
             "containers":[{"name":"app","image":"nginx"},{"name":"sidecar","image":"envoyproxy/envoy:v1.31.0"}]}}}}
            """;

    private SelfCheck() {
    }

    /**
     * @param bindAddress where the server listens: the check connects there, or to localhost when
     *                    the server listens on all interfaces
     * @param clientAuth  the server answers reviews only to holders of a client certificate, which
     *                    this process does not have: the check is then that it refuses this one
     * @return a line describing the answer; throws when the server did not answer as a webhook must
     */
    static String run(String bindAddress, int port, Path servedCertificate, boolean clientAuth) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(servedCertificate))
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = "https://" + host(bindAddress) + ":" + port;
        HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(base + "/readyz"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() != 200) {
            throw new IllegalStateException("readyz answered " + ready.statusCode());
        }
        HttpResponse<String> review = client.send(HttpRequest.newBuilder(URI.create(base + "/mutate"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(REVIEW)).build(), HttpResponse.BodyHandlers.ofString());
        if (clientAuth) {
            if (review.statusCode() != 401 || !review.body().contains("client certificate")) {
                throw new IllegalStateException("/mutate without a client certificate answered " + review.statusCode()
                        + ": " + review.body());
            }
            return "self-check passed over " + review.version() + ": reviews without a client certificate are refused "
                    + "(server.tls.clientCaFile)";
        }
        if (review.statusCode() != 200 || !review.body().contains("\"uid\":\"self-check\"")) {
            throw new IllegalStateException("/mutate answered " + review.statusCode() + ": " + review.body());
        }
        String patch = review.body().replaceAll(".*\"patch\":\"([^\"]*)\".*", "$1");
        String decoded = patch.equals(review.body()) ? "no patch" : new String(Base64.getDecoder().decode(patch));
        return "self-check passed over " + review.version() + ": " + decoded;
    }

    private static String host(String bindAddress) throws UnknownHostException {
        if (InetAddress.getByName(bindAddress).isAnyLocalAddress()) {
            return "localhost";
        }
        return bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
    }

    /** Trusts the served certificate itself: whatever CA signed it, the check talks only to this process. */
    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("served-" + i++, cert);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
