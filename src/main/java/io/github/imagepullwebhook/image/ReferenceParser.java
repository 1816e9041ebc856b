package io.github.imagepullwebhook.image;

import java.util.Locale;

/**
 * The distribution reference grammar ({@code reference/regexp.go}) and its Docker
 * normalisation ({@code normalize.go}). Error messages follow distribution's wording so that
 * what the webhook says matches what the kubelet would later say.
 *
 * <p>The grammar is checked by hand, character by character, rather than with distribution's
 * regular expressions: every review parses every image it names, and on distinct reviews the
 * expressions cost more than all the rules together. The tests keep the expressions as the
 * oracle ({@code RegexReferenceParser}) and compare the two on generated strings.
 *
 * <pre>
 * reference      := name [ ":" tag ] [ "@" digest ]
 * name           := [ domain "/" ] path-component ( "/" path-component )*
 * domain         := host [ ":" [0-9]+ ]
 * host           := domain-component ( "." domain-component )* | "[" [a-fA-F0-9:]+ "]"
 * domain-component := [a-zA-Z0-9] | [a-zA-Z0-9] [a-zA-Z0-9-]* [a-zA-Z0-9]
 * path-component := [a-z0-9]+ ( separator [a-z0-9]+ )*
 * separator      := "." | "_" | "__" | "-"+
 * tag            := [\w] [\w.-]{0,127}
 * digest         := algorithm ":" [0-9a-fA-F]{32,}
 * algorithm      := [A-Za-z][A-Za-z0-9]* ( [-_+.] [A-Za-z][A-Za-z0-9]* )*
 * </pre>
 */
final class ReferenceParser {

    private static final int NAME_TOTAL_LENGTH_MAX = 255;
    private static final String LEGACY_DOCKER_HUB = "index.docker.io";
    private static final String LOCALHOST = "localhost";
    private static final String OFFICIAL_PREFIX = "library/";

    private ReferenceParser() {
    }

    static ImageReference parse(String image) throws InvalidImageReferenceException {
        if (image == null || image.isEmpty()) {
            throw new InvalidImageReferenceException("invalid reference format: repository name must have at least one component");
        }
        if (isIdentifier(image)) {
            throw new InvalidImageReferenceException(
                    "invalid repository name, cannot specify 64-byte hexadecimal strings");
        }
        String[] split = splitDockerDomain(image);
        String domain = split[0];
        String remainder = split[1];
        int tagSeparator = remainder.indexOf(':');
        String remoteName = tagSeparator >= 0 ? remainder.substring(0, tagSeparator) : remainder;
        if (!remoteName.toLowerCase(Locale.ROOT).equals(remoteName)) {
            throw new InvalidImageReferenceException(
                    "invalid reference format: repository name must be lowercase");
        }
        return parseFull(image, domain + "/" + remainder);
    }

    /** Parses an already normalised {@code domain/remainder} string; keeps {@code original}. */
    private static ImageReference parseFull(String original, String normalised)
            throws InvalidImageReferenceException {
        int at = normalised.indexOf('@');
        String nameAndTag = at < 0 ? normalised : normalised.substring(0, at);
        String digest = at < 0 ? null : normalised.substring(at + 1);
        int slash = nameAndTag.indexOf('/');
        int colon = nameAndTag.indexOf(':', slash); // the domain's port comes before its slash
        String name = colon < 0 ? nameAndTag : nameAndTag.substring(0, colon);
        String tag = colon < 0 ? null : nameAndTag.substring(colon + 1);
        if (!isPath(name, slash + 1) || (tag != null && !isTag(tag)) || (digest != null && !isDigest(digest))) {
            throw new InvalidImageReferenceException("invalid reference format");
        }
        if (name.length() > NAME_TOTAL_LENGTH_MAX) {
            throw new InvalidImageReferenceException(
                    "repository name must not be more than " + NAME_TOTAL_LENGTH_MAX + " characters");
        }
        if (digest != null) {
            validateDigest(digest);
        }
        return new ImageReference(original, name.substring(0, slash), name.substring(slash + 1), tag, digest);
    }

    /**
     * Decides whether the first path segment is a registry domain: only when it contains a
     * {@code .} or {@code :}, is {@code localhost}, or has upper-case letters. Otherwise the
     * image is on Docker Hub, and a single-segment Hub name lives under {@code library/}.
     */
    private static String[] splitDockerDomain(String name) throws InvalidImageReferenceException {
        int slash = name.indexOf('/');
        String first = slash < 0 ? null : name.substring(0, slash);
        String domain;
        String remainder;
        if (first == null || (!first.contains(".") && !first.contains(":") && !first.equals(LOCALHOST)
                && first.toLowerCase(Locale.ROOT).equals(first))) {
            domain = ImageReference.DOCKER_HUB;
            remainder = name;
        } else {
            if (!isDomain(first)) {
                throw new InvalidImageReferenceException("invalid reference format");
            }
            domain = first;
            remainder = name.substring(slash + 1);
        }
        if (domain.equals(LEGACY_DOCKER_HUB)) {
            domain = ImageReference.DOCKER_HUB;
        }
        if (domain.equals(ImageReference.DOCKER_HUB) && remainder.indexOf('/') < 0) {
            remainder = OFFICIAL_PREFIX + remainder;
        }
        return new String[] {domain, remainder};
    }

    /** go-digest rules: a registered algorithm and lower-case hex of that algorithm's length. */
    private static void validateDigest(String digest) throws InvalidImageReferenceException {
        int colon = digest.indexOf(':');
        String algorithm = digest.substring(0, colon);
        String hex = digest.substring(colon + 1);
        int expected = switch (algorithm) {
            case "sha256" -> 64;
            case "sha384" -> 96;
            case "sha512" -> 128;
            default -> throw new InvalidImageReferenceException("unsupported digest algorithm");
        };
        if (hex.length() != expected || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new InvalidImageReferenceException("invalid checksum digest format");
        }
    }

    /** A 64-hex-digit string, which distribution refuses as a name (it would read as an image ID). */
    private static boolean isIdentifier(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isDigit(c) && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /** {@code domain}: a host, then an optional {@code :port}. */
    private static boolean isDomain(String s) {
        int hostEnd;
        if (s.startsWith("[")) {
            hostEnd = s.indexOf(']') + 1;
            if (hostEnd < 3 || !all(s, 1, hostEnd - 1, ReferenceParser::isIpv6Char)) {
                return false;
            }
        } else {
            int colon = s.indexOf(':');
            hostEnd = colon < 0 ? s.length() : colon;
            if (!isDomainName(s, 0, hostEnd)) {
                return false;
            }
        }
        return hostEnd == s.length()
                || (s.charAt(hostEnd) == ':' && hostEnd + 1 < s.length() && all(s, hostEnd + 1, s.length(), ReferenceParser::isDigit));
    }

    /** Dot-separated components of letters, digits and inner dashes. */
    private static boolean isDomainName(String s, int from, int to) {
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || s.charAt(i) == '.') {
                if (i == start || s.charAt(start) == '-' || s.charAt(i - 1) == '-'
                        || !all(s, start, i, c -> isLetterOrDigit(c) || c == '-')) {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    /** Slash-separated path components, from {@code from} to the end. */
    private static boolean isPath(String s, int from) {
        int start = from;
        for (int i = from; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '/') {
                if (!isPathComponent(s, start, i)) {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    /** Runs of lower-case letters and digits joined by one separator: ".", "_", "__" or dashes. */
    private static boolean isPathComponent(String s, int from, int to) {
        if (from == to || !isLowerAlphanumeric(s.charAt(from)) || !isLowerAlphanumeric(s.charAt(to - 1))) {
            return false;
        }
        int i = from;
        while (i < to) {
            if (isLowerAlphanumeric(s.charAt(i))) {
                i++;
                continue;
            }
            int separator = i;
            while (i < to && !isLowerAlphanumeric(s.charAt(i))) {
                i++;
            }
            if (!isSeparator(s.substring(separator, i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSeparator(String run) {
        return run.equals(".") || run.equals("_") || run.equals("__") || (!run.isEmpty() && all(run, 0, run.length(), c -> c == '-'));
    }

    /** A word character, then up to 127 word characters, dots or dashes. */
    private static boolean isTag(String s) {
        return !s.isEmpty() && s.length() <= 128 && isWord(s.charAt(0))
                && all(s, 1, s.length(), c -> isWord(c) || c == '.' || c == '-');
    }

    /** An algorithm of letter-led components joined by {@code -_+.}, a colon, at least 32 hex digits. */
    private static boolean isDigest(String s) {
        int colon = s.indexOf(':');
        if (colon < 0 || s.length() - colon - 1 < 32 || !all(s, colon + 1, s.length(), ReferenceParser::isHex)) {
            return false;
        }
        boolean componentStart = true;
        for (int i = 0; i < colon; i++) {
            char c = s.charAt(i);
            if (componentStart) {
                if (!isLetter(c)) {
                    return false;
                }
                componentStart = false;
            } else if (c == '-' || c == '_' || c == '+' || c == '.') {
                componentStart = true;
            } else if (!isLetterOrDigit(c)) {
                return false;
            }
        }
        return colon > 0 && !componentStart;
    }

    private interface CharTest {
        boolean test(char c);
    }

    private static boolean all(String s, int from, int to, CharTest test) {
        for (int i = from; i < to; i++) {
            if (!test.test(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isLetterOrDigit(char c) {
        return isLetter(c) || isDigit(c);
    }

    private static boolean isLowerAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || isDigit(c);
    }

    private static boolean isWord(char c) {
        return isLetterOrDigit(c) || c == '_';
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isIpv6Char(char c) {
        return isHex(c) || c == ':';
    }
}
