package io.github.imagepullwebhook.credentials;

import io.github.imagepullwebhook.image.HostGlob;

/**
 * A provider's {@code matchImages} pattern, matched as the kubelet matches it: like a
 * {@code config.json} key ({@link ConfigKey#matches}: same port, same number of host labels,
 * a glob per label, path prefix), but without a scheme and without dropping {@code /v1/} or
 * {@code /v2/}.
 */
final class MatchImage {

    private MatchImage() {
    }

    /**
     * Why the kubelet would refuse the pattern, or silently never match it as it reads; null
     * when it is fine. The kubelet parses a pattern as a URL after prefixing {@code https://}, so
     * a scheme, {@code ?}, {@code #} or {@code %} change what it means.
     */
    static String problem(String pattern) {
        if (pattern.isEmpty()) {
            return "is empty";
        }
        if (pattern.contains("://")) {
            return "must not have a scheme (the kubelet adds https:// itself)";
        }
        if (pattern.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            return "contains a space or control character";
        }
        if (pattern.contains("?") || pattern.contains("#") || pattern.contains("%")) {
            return "contains '?', '#' or '%', which the kubelet reads as URL syntax, not as part of the pattern";
        }
        ConfigKey key = ConfigKey.ofName(pattern);
        if (key.host().isEmpty()) {
            return "has no host";
        }
        if (!key.port().chars().allMatch(Character::isDigit)) {
            return "has a port that is not a number";
        }
        for (String label : key.host().split("\\.", -1)) {
            if (!HostGlob.isWellFormed(label)) {
                return "has a malformed glob in its host (Go's filepath.Match would refuse it)";
            }
        }
        return null;
    }
}
