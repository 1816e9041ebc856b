package io.github.imagepullwebhook.server;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.List;
import java.util.Set;

/**
 * What the HTTPS servers serve with, read from the configured files: the serving pair and, when
 * {@code server.tls.clientCaFile} is set, the CAs of review callers. The same settings are applied
 * at start and at every reload, so a reload cannot widen what a handshake accepts.
 *
 * @param clientCas null when any caller may send reviews
 */
record ServedTls(KeyCertOptions keyCert, ClientCas clientCas) {

    /** TLS 1.0 and 1.1 are refused. */
    static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    /**
     * TLS 1.3's three suites, and on TLS 1.2 Mozilla's "intermediate" list without DHE: ECDHE key
     * exchange (forward secrecy) with AEAD ciphers only. The JDK's defaults also offer RSA key
     * exchange (no forward secrecy) and CBC suites with SHA-1 and SHA-2 MACs, which HTTP/2 forbids
     * anyway (RFC 9113, appendix A), and finite-field DHE, which the apiserver's Go client does
     * not implement. Listing the suites makes the JDK offer exactly these.
     */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Sets every TLS setting on {@code options}. A client certificate is requested, never
     * required: the kubelet's probes have none; review endpoints check for it themselves
     * ({@link ReviewCallers}).
     */
    ServerSSLOptions applyTo(ServerSSLOptions options) {
        options.setKeyCertOptions(keyCert).setEnabledSecureTransportProtocols(PROTOCOLS).setUseAlpn(true);
        CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        if (clientCas != null) {
            options.setClientAuth(ClientAuth.REQUEST).setTrustOptions(clientCas.trustOptions());
        }
        return options;
    }
}
