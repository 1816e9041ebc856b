package io.github.imagepullwebhook.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The HTTPS server.
 *
 * @param port                  HTTPS port of the webhook
 * @param tls                   serving certificate files
 * @param metricsPort           plain-HTTP port of {@code /metrics}; 0 picks a free port, -1 disables
 * @param maxBodyBytes          largest accepted request body; a review carries both {@code object}
 *                              and {@code oldObject}, each up to the apiserver's own object limit
 * @param certReloadMillis      how often the certificate files are checked for changes
 * @param shutdownDelayMillis   after SIGTERM, how long to keep serving while readyz says 503, so
 *                              that endpoints drop this pod before it stops accepting
 * @param shutdownTimeoutMillis how long in-flight reviews may take to finish at shutdown
 */
public record ServerConfig(int port, TlsConfig tls, int metricsPort, long maxBodyBytes,
                           long certReloadMillis, long shutdownDelayMillis, long shutdownTimeoutMillis) {

    public static final ServerConfig DEFAULT = new ServerConfig(8443, TlsConfig.GENERATED, 9090, 8L * 1024 * 1024,
            5_000, 5_000, 20_000);

    @JsonCreator
    static ServerConfig of(@JsonProperty("port") Integer port,
                           @JsonProperty("tls") TlsConfig tls,
                           @JsonProperty("metricsPort") Integer metricsPort,
                           @JsonProperty("maxBodyBytes") Long maxBodyBytes,
                           @JsonProperty("certReloadMillis") Long certReloadMillis,
                           @JsonProperty("shutdownDelayMillis") Long shutdownDelayMillis,
                           @JsonProperty("shutdownTimeoutMillis") Long shutdownTimeoutMillis) {
        return new ServerConfig(
                port == null ? DEFAULT.port : port,
                tls == null ? DEFAULT.tls : tls,
                metricsPort == null ? DEFAULT.metricsPort : metricsPort,
                maxBodyBytes == null ? DEFAULT.maxBodyBytes : maxBodyBytes,
                certReloadMillis == null ? DEFAULT.certReloadMillis : certReloadMillis,
                shutdownDelayMillis == null ? DEFAULT.shutdownDelayMillis : shutdownDelayMillis,
                shutdownTimeoutMillis == null ? DEFAULT.shutdownTimeoutMillis : shutdownTimeoutMillis);
    }

    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("server.port must be 0..65535, was " + port);
        }
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new IllegalArgumentException("server.metricsPort must be -1..65535, was " + metricsPort);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("server.maxBodyBytes must be at least 1024, was " + maxBodyBytes);
        }
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(newPort, tls, metricsPort, maxBodyBytes, certReloadMillis, shutdownDelayMillis,
                shutdownTimeoutMillis);
    }

    public ServerConfig withMetricsPort(int newPort) {
        return new ServerConfig(port, tls, newPort, maxBodyBytes, certReloadMillis, shutdownDelayMillis,
                shutdownTimeoutMillis);
    }

    public ServerConfig withShutdownDelayMillis(long millis) {
        return new ServerConfig(port, tls, metricsPort, maxBodyBytes, certReloadMillis, millis, shutdownTimeoutMillis);
    }

    public ServerConfig withTls(TlsConfig newTls) {
        return new ServerConfig(port, newTls, metricsPort, maxBodyBytes, certReloadMillis, shutdownDelayMillis,
                shutdownTimeoutMillis);
    }
}
