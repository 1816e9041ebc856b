package io.github.imagepullwebhook.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The server's TLS files.
 *
 * @param certFile     PEM serving certificate chain; with {@code keyFile} both null the server
 *                     makes a CA and a serving certificate of its own at start
 * @param keyFile      PEM key of {@code certFile}
 * @param clientCaFile PEM CA certificates; when set, {@code /mutate} and {@code /validate} answer
 *                     only callers with a client certificate signed by one of them (the
 *                     apiserver, given its certificate through its admission configuration).
 *                     Probes need none
 * @param clientNames  with {@code clientCaFile}: the subject CNs, DNS or URI names a caller's
 *                     certificate must carry one of; empty accepts any certificate of that CA
 */
public record TlsConfig(String certFile, String keyFile, String clientCaFile, List<String> clientNames) {

    public static final TlsConfig GENERATED = new TlsConfig(null, null);

    @JsonCreator
    static TlsConfig of(@JsonProperty("certFile") String certFile, @JsonProperty("keyFile") String keyFile,
                        @JsonProperty("clientCaFile") String clientCaFile,
                        @JsonProperty("clientNames") List<String> clientNames) {
        return new TlsConfig(certFile, keyFile, clientCaFile, clientNames == null ? List.of() : clientNames);
    }

    /** Serving files only: any caller may send reviews. */
    public TlsConfig(String certFile, String keyFile) {
        this(certFile, keyFile, null, List.of());
    }

    public TlsConfig {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("server.tls needs both certFile and keyFile, or neither");
        }
        if (clientCaFile != null && clientCaFile.isBlank()) {
            throw new IllegalArgumentException("server.tls.clientCaFile must name a file; leave it out to accept any caller");
        }
        clientNames = List.copyOf(clientNames);
        if (!clientNames.isEmpty() && clientCaFile == null) {
            throw new IllegalArgumentException("server.tls.clientNames needs server.tls.clientCaFile: names are only "
                    + "checked on certificates signed by that CA");
        }
        if (clientNames.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("server.tls.clientNames must not contain an empty name");
        }
    }

    public boolean generated() {
        return certFile == null;
    }

    /** True when review endpoints require a client certificate. */
    public boolean clientAuth() {
        return clientCaFile != null;
    }

    /** The same client settings with other serving files (generated or managed ones). */
    public TlsConfig withServingFiles(String newCertFile, String newKeyFile) {
        return new TlsConfig(newCertFile, newKeyFile, clientCaFile, clientNames);
    }
}
