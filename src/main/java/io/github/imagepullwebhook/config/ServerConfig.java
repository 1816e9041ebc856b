package io.github.imagepullwebhook.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.InetAddress;
import java.time.Duration;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The HTTPS server.
 *
 * @param port                  HTTPS port of the webhook
 * @param tls                   serving certificate files
 * @param metricsPort           plain-HTTP port of {@code /metrics}; 0 picks a free port, -1 disables
 * @param maxBodyBytes          largest accepted request body; a review carries both {@code object}
 *                              and {@code oldObject}, each up to the apiserver's own object limit
 * <p>Durations are written as Kubernetes writes them ({@code 500ms}, {@code 5s}, {@code 1m}) under
 * keys without a unit ({@code certReload}, {@code shutdownDelay}, …), and held in milliseconds.
 *
 * @param certReloadMillis      how often the certificate files are checked for changes
 * @param shutdownDelayMillis   after SIGTERM, how long to keep serving while readyz says 503, so
 *                              that endpoints drop this pod before it stops accepting
 * @param shutdownTimeoutMillis how long in-flight reviews may take to finish at shutdown
 * @param requestTimeoutMillis  how long a client has to send a whole request: a new connection
 *                              its first request's headers, every request its body (408 after);
 *                              the apiserver's own webhook timeout is 10 s by default, 30 s at most
 * @param idleTimeoutMillis     how long a connection may sit with no request in flight
 * @param bindAddress           the IP address the HTTPS port listens on; all interfaces by default,
 *                              as a pod needs (the apiserver and the kubelet's probes come from
 *                              outside it); a loopback address keeps a host-network or sidecar
 *                              install off the other interfaces
 * @param metricsBindAddress    the IP address the metrics port listens on, likewise
 */
public record ServerConfig(int port, TlsConfig tls, int metricsPort, long maxBodyBytes,
                           long certReloadMillis, long shutdownDelayMillis, long shutdownTimeoutMillis,
                           long requestTimeoutMillis, long idleTimeoutMillis, String bindAddress,
                           String metricsBindAddress) {

    public static final String ALL_INTERFACES = "0.0.0.0";
    /** Dotted-quad IPv4 only: the JDK also reads "10.1" or "0x7f.1" as addresses, which nobody means. */
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    public static final ServerConfig DEFAULT = new ServerConfig(8443, TlsConfig.GENERATED, 9090, 8L * 1024 * 1024,
            5_000, 5_000, 20_000, 10_000, 60_000);

    @JsonCreator
    static ServerConfig of(@JsonProperty("port") Integer port,
                           @JsonProperty("tls") TlsConfig tls,
                           @JsonProperty("metricsPort") Integer metricsPort,
                           @JsonProperty("maxBodyBytes") Long maxBodyBytes,
                           @JsonProperty("certReload") String certReload,
                           @JsonProperty("shutdownDelay") String shutdownDelay,
                           @JsonProperty("shutdownTimeout") String shutdownTimeout,
                           @JsonProperty("requestTimeout") String requestTimeout,
                           @JsonProperty("idleTimeout") String idleTimeout,
                           @JsonProperty("bindAddress") String bindAddress,
                           @JsonProperty("metricsBindAddress") String metricsBindAddress) {
        return new ServerConfig(
                port == null ? DEFAULT.port : port,
                tls == null ? DEFAULT.tls : tls,
                metricsPort == null ? DEFAULT.metricsPort : metricsPort,
                maxBodyBytes == null ? DEFAULT.maxBodyBytes : maxBodyBytes,
                millis("server.certReload", certReload, DEFAULT.certReloadMillis),
                millis("server.shutdownDelay", shutdownDelay, DEFAULT.shutdownDelayMillis),
                millis("server.shutdownTimeout", shutdownTimeout, DEFAULT.shutdownTimeoutMillis),
                millis("server.requestTimeout", requestTimeout, DEFAULT.requestTimeoutMillis),
                millis("server.idleTimeout", idleTimeout, DEFAULT.idleTimeoutMillis),
                bindAddress == null ? DEFAULT.bindAddress : bindAddress,
                metricsBindAddress == null ? DEFAULT.metricsBindAddress : metricsBindAddress);
    }

    /** A duration key ({@code 500ms}, {@code 5s}, …), held in milliseconds. */
    private static long millis(String key, String value, long fallback) {
        return RegistryConfig.duration(key, value, Duration.ofMillis(fallback)).toMillis();
    }

    /** Listening on all interfaces. */
    public ServerConfig(int port, TlsConfig tls, int metricsPort, long maxBodyBytes, long certReloadMillis,
                        long shutdownDelayMillis, long shutdownTimeoutMillis, long requestTimeoutMillis,
                        long idleTimeoutMillis) {
        this(port, tls, metricsPort, maxBodyBytes, certReloadMillis, shutdownDelayMillis, shutdownTimeoutMillis,
                requestTimeoutMillis, idleTimeoutMillis, ALL_INTERFACES, ALL_INTERFACES);
    }

    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("server.port must be 0..65535, was " + port);
        }
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new IllegalArgumentException("server.metricsPort must be -1..65535, was " + metricsPort);
        }
        if (requestTimeoutMillis < 1 || idleTimeoutMillis < 1) {
            throw new IllegalArgumentException("server.requestTimeout and idleTimeout must be positive");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("server.maxBodyBytes must be at least 1024, was " + maxBodyBytes);
        }
        requireIpAddress("server.bindAddress", bindAddress);
        requireIpAddress("server.metricsBindAddress", metricsBindAddress);
    }

    /**
     * An IP literal, checked without a DNS lookup: a host name would be resolved at every start
     * and could name several addresses, of which the server would listen on one.
     */
    private static void requireIpAddress(String key, String address) {
        boolean literal = address != null && (IPV4.matcher(address).matches() || address.contains(":") && isIpv6(address));
        if (!literal) {
            throw new IllegalArgumentException(key + " must be an IP address such as 0.0.0.0 (all interfaces), :: or "
                    + "127.0.0.1, was " + (address == null ? "null" : "\"" + address + "\""));
        }
    }

    /** In brackets, the JDK parses the text as an IPv6 literal or refuses it; it never asks DNS. */
    private static boolean isIpv6(String address) {
        try {
            InetAddress.getByName("[" + address + "]");
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(newPort, tls, metricsPort, maxBodyBytes, certReloadMillis, shutdownDelayMillis,
                shutdownTimeoutMillis, requestTimeoutMillis, idleTimeoutMillis, bindAddress, metricsBindAddress);
    }

    public ServerConfig withMetricsPort(int newPort) {
        return new ServerConfig(port, tls, newPort, maxBodyBytes, certReloadMillis, shutdownDelayMillis,
                shutdownTimeoutMillis, requestTimeoutMillis, idleTimeoutMillis, bindAddress, metricsBindAddress);
    }

    public ServerConfig withShutdownDelayMillis(long millis) {
        return new ServerConfig(port, tls, metricsPort, maxBodyBytes, certReloadMillis, millis, shutdownTimeoutMillis,
                requestTimeoutMillis, idleTimeoutMillis, bindAddress, metricsBindAddress);
    }

    public ServerConfig withTls(TlsConfig newTls) {
        return new ServerConfig(port, newTls, metricsPort, maxBodyBytes, certReloadMillis, shutdownDelayMillis,
                shutdownTimeoutMillis, requestTimeoutMillis, idleTimeoutMillis, bindAddress, metricsBindAddress);
    }

    public ServerConfig withBindAddresses(String newBindAddress, String newMetricsBindAddress) {
        return new ServerConfig(port, tls, metricsPort, maxBodyBytes, certReloadMillis, shutdownDelayMillis,
                shutdownTimeoutMillis, requestTimeoutMillis, idleTimeoutMillis, newBindAddress, newMetricsBindAddress);
    }
}
