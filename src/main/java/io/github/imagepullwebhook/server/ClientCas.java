package io.github.imagepullwebhook.server;

import io.github.imagepullwebhook.tls.ServingPair;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;

/**
 * The CA certificates of {@code server.tls.clientCaFile}, parsed once per version of the file:
 * the TLS layer's trust for client certificates, and the anchors the per-request check
 * validates a caller's chain against. Several CAs may be listed, as during a CA rotation.
 */
final class ClientCas {

    /** Leaves usable for TLS client authentication (extended key usage absent, any, or clientAuth). */
    private static final X509CertSelector CLIENT_AUTHENTICATION = clientAuthentication();

    private final List<X509Certificate> certificates;
    private final Set<TrustAnchor> anchors;
    private final TrustManagerFactory trust;

    private ClientCas(List<X509Certificate> certificates, Set<TrustAnchor> anchors, TrustManagerFactory trust) {
        this.certificates = certificates;
        this.anchors = anchors;
        this.trust = trust;
    }

    /** @throws IOException when the text holds no PEM certificate */
    static ClientCas parse(String pem) throws IOException, GeneralSecurityException {
        List<X509Certificate> certificates = ServingPair.certificates(pem);
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        List<TrustAnchor> anchors = new ArrayList<>();
        for (int i = 0; i < certificates.size(); i++) {
            store.setCertificateEntry("client-ca-" + i, certificates.get(i));
            anchors.add(new TrustAnchor(certificates.get(i), null));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        return new ClientCas(certificates, Set.copyOf(anchors), trust);
    }

    /**
     * For the TLS layer: the handshake refuses certificates of other CAs, and its certificate
     * request names these CAs, which clients (Go's among them) use to pick the certificate to send.
     */
    TrustOptions trustOptions() {
        return TrustOptions.wrap(trust);
    }

    /**
     * Validates a presented chain (leaf first) against these CAs at {@code at}, and that the leaf
     * may be used for client authentication.
     *
     * @throws GeneralSecurityException saying why not
     */
    void validate(List<X509Certificate> chain, Instant at) throws GeneralSecurityException {
        List<X509Certificate> path = new ArrayList<>(chain);
        path.removeIf(certificates::contains); // a chain may end with the CA itself; it is the anchor, not the path
        PKIXParameters parameters = new PKIXParameters(anchors);
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(at));
        parameters.setTargetCertConstraints(CLIENT_AUTHENTICATION); // copied, so shared safely
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path),
                parameters);
    }

    private static X509CertSelector clientAuthentication() {
        X509CertSelector selector = new X509CertSelector();
        try {
            selector.setExtendedKeyUsage(Set.of("1.3.6.1.5.5.7.3.2"));
        } catch (IOException e) {
            throw new IllegalStateException("the clientAuth OID is constant and valid", e);
        }
        return selector;
    }
}
