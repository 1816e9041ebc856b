package io.github.imagepullwebhook.image;

import java.util.List;
import java.util.Locale;

/**
 * A pattern over image repositories, as an exemption list names them: {@code host[:port]}
 * optionally followed by {@code /path}, matched against the canonical repository
 * ({@code nginx} is {@code docker.io/library/nginx}). Tags and digests play no part.
 *
 * <ul>
 *   <li>The host is compared as the kubelet compares {@code config.json} keys: label by label,
 *       globs ({@code *}, {@code ?}, {@code [...]}) within a label, never across a dot.</li>
 *   <li>The port must be the repository's own: a pattern without one matches only a registry
 *       named without one.</li>
 *   <li>The path is a prefix of whole segments, each segment a glob:
 *       {@code docker.io/library} matches {@code docker.io/library/nginx}, and
 *       {@code registry.example.com/public} does <em>not</em> match
 *       {@code registry.example.com/public-secret/app}. (The kubelet's key paths are plain
 *       string prefixes; an exemption is a security decision, so it stops at a segment.)</li>
 * </ul>
 *
 * @param text     the pattern as written, for messages
 * @param host     host glob, lower case
 * @param port     port, or empty
 * @param segments path segment globs, possibly none
 */
public record ImagePattern(String text, String host, String port, List<String> segments) {

    public ImagePattern {
        segments = List.copyOf(segments);
    }

    /** @throws IllegalArgumentException naming the pattern when it is not {@code host[:port][/path]} */
    public static ImagePattern parse(String pattern) {
        String text = pattern.trim();
        int slash = text.indexOf('/');
        String hostPort = (slash < 0 ? text : text.substring(0, slash)).toLowerCase(Locale.ROOT);
        List<String> segments = slash < 0 ? List.of() : List.of(text.substring(slash + 1).split("/", -1));
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        String port = colon < 0 ? "" : hostPort.substring(colon + 1);
        boolean valid = !host.isEmpty() && HostGlob.isWellFormed(host) && port.matches("[0-9]{0,5}")
                && (colon < 0 || !port.isEmpty()) && segments.stream().allMatch(s -> !s.isEmpty() && HostGlob.isWellFormed(s));
        if (!valid) {
            throw new IllegalArgumentException("image pattern \"" + pattern + "\" is not host[:port][/path] "
                    + "(globs within a host label or a path segment)");
        }
        return new ImagePattern(text, host, port, segments);
    }

    /** Whether the repository of {@code reference} is one this pattern names. */
    public boolean matches(ImageReference reference) {
        String domain = reference.domain().toLowerCase(Locale.ROOT);
        int colon = domain.lastIndexOf(':');
        boolean hasPort = colon > domain.lastIndexOf(']');
        String referencePort = hasPort ? domain.substring(colon + 1) : "";
        if (!port.equals(referencePort) || !HostGlob.matchesHost(host, hasPort ? domain.substring(0, colon) : domain)) {
            return false;
        }
        String[] path = reference.path().split("/");
        if (path.length < segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            if (!HostGlob.matches(segments.get(i), path[i])) {
                return false;
            }
        }
        return true;
    }
}
