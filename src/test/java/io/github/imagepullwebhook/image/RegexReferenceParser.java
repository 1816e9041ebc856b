package io.github.imagepullwebhook.image;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test oracle for {@link ReferenceParser}: the distribution reference grammar written as the
 * regular expressions of {@code reference/regexp.go}, with the same Docker normalisation. The
 * product parses by hand (the expressions cost more than every rule of a review together); this
 * spelling is the one that can be read side by side with distribution's.
 */
final class RegexReferenceParser {

    private static final String ALPHANUMERIC = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|[-]+)";
    private static final String PATH_COMPONENT = ALPHANUMERIC + "(?:" + SEPARATOR + ALPHANUMERIC + ")*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
    private static final String HOST = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|" + IPV6 + ")";
    private static final String DOMAIN = HOST + "(?::[0-9]+)?";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST =
            "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    private static final String NAME = "(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";

    private static final Pattern REFERENCE =
            Pattern.compile("^(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?$");
    private static final Pattern DOMAIN_ONLY = Pattern.compile("^" + DOMAIN + "$");
    private static final Pattern IDENTIFIER = Pattern.compile("^[a-f0-9]{64}$");

    private static final int NAME_TOTAL_LENGTH_MAX = 255;
    private static final String LEGACY_DOCKER_HUB = "index.docker.io";
    private static final String LOCALHOST = "localhost";
    private static final String OFFICIAL_PREFIX = "library/";

    private RegexReferenceParser() {
    }

    static ImageReference parse(String image) throws InvalidImageReferenceException {
        if (image == null || image.isEmpty()) {
            throw new InvalidImageReferenceException("invalid reference format: repository name must have at least one component");
        }
        if (IDENTIFIER.matcher(image).matches()) {
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
        Matcher m = REFERENCE.matcher(normalised);
        if (!m.matches()) {
            throw new InvalidImageReferenceException("invalid reference format");
        }
        String name = m.group(1);
        if (name.length() > NAME_TOTAL_LENGTH_MAX) {
            throw new InvalidImageReferenceException(
                    "repository name must not be more than " + NAME_TOTAL_LENGTH_MAX + " characters");
        }
        String digest = m.group(3);
        if (digest != null) {
            validateDigest(digest);
        }
        int slash = name.indexOf('/');
        return new ImageReference(original, name.substring(0, slash), name.substring(slash + 1), m.group(2), digest);
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
            if (!DOMAIN_ONLY.matcher(first).matches()) {
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
}
