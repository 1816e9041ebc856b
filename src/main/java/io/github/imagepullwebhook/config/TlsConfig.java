package io.github.imagepullwebhook.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * PEM files of the serving certificate and key. Both null: the server makes a CA and a
 * serving certificate of its own at start.
 */
public record TlsConfig(String certFile, String keyFile) {

    public static final TlsConfig GENERATED = new TlsConfig(null, null);

    @JsonCreator
    static TlsConfig of(@JsonProperty("certFile") String certFile, @JsonProperty("keyFile") String keyFile) {
        return new TlsConfig(certFile, keyFile);
    }

    public TlsConfig {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("server.tls needs both certFile and keyFile, or neither");
        }
    }

    public boolean generated() {
        return certFile == null;
    }
}
