package io.github.imagepullwebhook.testing;

import io.github.imagepullwebhook.tls.CertificateAuthority.ServingCertificate;
import io.github.imagepullwebhook.tls.ServingPair;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/** SSLContexts for test clients: trusting exactly one CA file, as a client given {@code --cacert} would. */
public final class TestTls {

    private TestTls() {
    }

    public static SSLContext trusting(Path caFile) throws Exception {
        return context(caFile, null);
    }

    /**
     * Trusting {@code caFile} and presenting {@code client} whenever the server asks for a
     * certificate, whichever CAs it names, as a hostile client would (the JDK's own key managers
     * send nothing when the certificate's issuer is not among them).
     */
    public static SSLContext presenting(Path caFile, ServingCertificate client) throws Exception {
        X509KeyManager pair = (X509KeyManager) ServingPair.parse(client.certificatePem(), client.keyPem())
                .keyManagers().getKeyManagers()[0];
        return context(caFile, new KeyManager[] {new AlwaysPresenting(pair)});
    }

    private static SSLContext context(Path caFile, KeyManager[] keys) throws Exception {
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(caFile)) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust.getTrustManagers(), null);
        return context;
    }

    /** Offers its one certificate to every server that asks. */
    private static final class AlwaysPresenting extends X509ExtendedKeyManager {
        private final X509KeyManager pair;
        private final String alias;

        AlwaysPresenting(X509KeyManager pair) {
            this.pair = pair;
            this.alias = pair.getClientAliases("EC", null)[0];
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return alias;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return alias;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {alias};
        }

        @Override
        public X509Certificate[] getCertificateChain(String name) {
            return pair.getCertificateChain(name);
        }

        @Override
        public PrivateKey getPrivateKey(String name) {
            return pair.getPrivateKey(name);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
