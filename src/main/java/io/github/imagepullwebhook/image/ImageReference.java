package io.github.imagepullwebhook.image;

import java.util.Objects;

/**
 * A parsed image reference. {@link #original()} is the string exactly as the user wrote it; the
 * other components are normalised (docker.io domain, {@code library/} prefix) and are what
 * registry calls, credential matching and caching use.
 *
 * @param original the user's string, never re-spelled
 * @param domain   normalised registry domain, e.g. {@code docker.io} or {@code host:5000}
 * @param path     repository path inside the registry, e.g. {@code library/nginx}
 * @param tag      the tag, or {@code null} when none was written
 * @param digest   {@code algorithm:hex}, or {@code null} when none was written
 */
public record ImageReference(String original, String domain, String path, String tag, String digest) {

    /** Docker Hub's name for itself in normalised references. */
    public static final String DOCKER_HUB = "docker.io";
    /** The host that actually serves Docker Hub's registry API. */
    public static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";
    /** The tag Kubernetes assumes when a reference has neither tag nor digest. */
    public static final String LATEST = "latest";

    public ImageReference {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(path, "path");
    }

    /** Parses {@code image} with Kubernetes' (distribution's) normalised parsing. */
    public static ImageReference parse(String image) throws InvalidImageReferenceException {
        return ReferenceParser.parse(image);
    }

    /** {@code domain/path}, e.g. {@code docker.io/library/nginx}. */
    public String repository() {
        return domain + "/" + path;
    }

    public boolean hasTag() {
        return tag != null;
    }

    public boolean hasDigest() {
        return digest != null;
    }

    /**
     * The tag as Kubernetes' {@code parsers.ParseImageName} reports it: the written tag, or
     * {@code latest} when the reference has neither tag nor digest, or empty for digest-only.
     */
    public String effectiveTag() {
        if (tag != null) {
            return tag;
        }
        return digest == null ? LATEST : "";
    }

    /** The fully normalised form, e.g. {@code docker.io/library/nginx:latest}. */
    public String canonical() {
        String tagged = repository() + ":" + effectiveTag();
        if (digest == null) {
            return tagged;
        }
        return (tag == null ? repository() : tagged) + "@" + digest;
    }

    /** The user's string with a digest appended; the tag (if any) stays readable. */
    public String withDigest(String newDigest) {
        if (digest != null) {
            throw new IllegalStateException("reference already carries a digest: " + original);
        }
        return original + "@" + newDigest;
    }

    /** The host that serves the registry API for this reference's domain. */
    public String apiHost() {
        return DOCKER_HUB.equals(domain) ? DOCKER_HUB_API_HOST : domain;
    }
}
