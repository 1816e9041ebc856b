package io.github.imagepullwebhook.registry;

import io.github.imagepullwebhook.image.HostGlob;
import java.util.Locale;

/**
 * One {@code registry.allow} or {@code registry.deny} entry: {@code host}, {@code host:port} or
 * {@code [ipv6]:port}. The host is matched as the kubelet matches {@code config.json} keys, label
 * by label, so {@code *} never crosses a dot: {@code 10.0.0.*:5000} does not admit
 * {@code 10.0.0.1.evil.example:5000}, and {@code *.example.com} admits neither
 * {@code example.com} nor {@code a.b.example.com}. A port, when the pattern names one, must be
 * the port connected to (the scheme's default when a URL names none); no port, or {@code *},
 * means every port.
 *
 * @param host canonical host glob (see {@link IpLiteral#canonical})
 * @param port the port, or {@link #ANY_PORT}
 */
record HostPattern(String host, int port) {

    static final int ANY_PORT = -1;

    /** @throws IllegalArgumentException naming the pattern when it is none of the three forms */
    static HostPattern parse(String pattern) {
        String text = pattern.trim().toLowerCase(Locale.ROOT);
        int colon = text.lastIndexOf(':');
        boolean hasPort = colon > text.lastIndexOf(']');
        String host = hasPort ? text.substring(0, colon) : text;
        String port = hasPort ? text.substring(colon + 1) : "*";
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        String bare = bracketed ? host.substring(1, host.length() - 1) : host;
        boolean valid = !bare.isEmpty() && (bracketed || bare.indexOf(':') < 0) && bare.indexOf('/') < 0
                && HostGlob.isWellFormed(bare) && port.matches("\\*|[0-9]{1,5}");
        if (!valid) {
            throw new IllegalArgumentException("registry pattern \"" + pattern + "\" is not host, host:port or "
                    + "[ipv6]:port (globs within a label; port a number or *)");
        }
        return new HostPattern(IpLiteral.canonical(bare), "*".equals(port) ? ANY_PORT : Integer.parseInt(port));
    }

    /** @param canonicalHost as {@link IpLiteral#canonical} spells it */
    boolean matches(String canonicalHost, int connectedPort) {
        return (port == ANY_PORT || port == connectedPort) && HostGlob.matchesHost(host, canonicalHost);
    }
}
