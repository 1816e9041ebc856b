package io.github.imagepullwebhook.credentials;

import io.github.imagepullwebhook.image.HostGlob;
import java.util.List;

/**
 * A {@code config.json} key or an image name as Kubernetes compares them: a scheme is
 * dropped, and in keys a leading {@code /v1/} or {@code /v2/} (Docker's API prefixes) as well.
 *
 * @param host   host, possibly with globs, without the port
 * @param port   port, or empty
 * @param path   path including its leading slash, or empty
 */
record ConfigKey(String host, String port, String path) {

    /** {@code https://registry.example.com:5000/v1/} → host, port 5000, no path. */
    static ConfigKey ofKey(String key) {
        ConfigKey parsed = ofName(key);
        String path = parsed.path;
        if (path.startsWith("/v2/") || path.startsWith("/v1/")) {
            path = path.substring(3);
        }
        return new ConfigKey(parsed.host, parsed.port, path.equals("/") ? "" : path);
    }

    /** {@code docker.io/library/nginx} → host docker.io, path /library/nginx. */
    static ConfigKey ofName(String name) {
        String rest = name;
        for (String scheme : List.of("https://", "http://")) {
            if (rest.startsWith(scheme)) {
                rest = rest.substring(scheme.length());
            }
        }
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        int colon = hostPort.lastIndexOf(':');
        boolean hasPort = colon > hostPort.lastIndexOf(']') && colon >= 0;
        String host = hasPort ? hostPort.substring(0, colon) : hostPort;
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new ConfigKey(host, hasPort ? hostPort.substring(colon + 1) : "", path);
    }

    /** The key as Kubernetes indexes it: host[:port] and path. */
    String indexed() {
        return host + (port.isEmpty() ? "" : ":" + port) + path;
    }

    /**
     * Kubernetes' {@code URLsMatch}: same port, same number of host labels, each label matched
     * as a glob, and this key's path a plain string prefix of the image's path.
     */
    boolean matches(ConfigKey image) {
        if (!port.equals(image.port) || !image.path.startsWith(path)) {
            return false;
        }
        return HostGlob.matchesHost(host, image.host);
    }
}
