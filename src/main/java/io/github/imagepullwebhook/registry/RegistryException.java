package io.github.imagepullwebhook.registry;

import java.time.Duration;
import java.util.Optional;

/**
 * A registry that did not give a digest, with the {@link Kind} of failure so that callers decide
 * by kind, never by message. The message is safe to show users (it reaches kubectl warnings):
 * it never holds credentials or tokens, and control characters are replaced.
 */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as go-containerregistry's {@code transport.Error} tells it. */
    public enum Kind {
        /** Every credential (and anonymous access, where it applies) was refused, or got no token. */
        UNAUTHORIZED,
        /** No such tag or repository (404), or no tag to look up. */
        NOT_FOUND,
        /** 429; {@link #retryAfter()} says for how long, when the registry said so. */
        RATE_LIMITED,
        /** {@code registry.allow}, {@code registry.deny} or the address rules forbid the host: nothing was sent. */
        REFUSED_BY_POLICY,
        /** No complete answer: unresolvable name, refused or reset connection, TLS, timeout, an oversized body. */
        TRANSPORT,
        /** A 200 whose body is not an image manifest. */
        BAD_MANIFEST,
        /** An answer the protocol has no place for: another status, an unusable challenge, realm or token answer. */
        UNEXPECTED_ANSWER
    }

    private final Kind kind;
    private final int status;
    /** How long the registry asked us to stay away (429 Retry-After), or null. */
    private final transient Duration retryAfter;

    public RegistryException(Kind kind, String message) {
        this(kind, 0, message);
    }

    /** @param status the HTTP status that caused it, 0 when there was no answer */
    public RegistryException(Kind kind, int status, String message) {
        this(kind, status, message, null);
    }

    private RegistryException(Kind kind, int status, String message, Duration retryAfter) {
        super(printable(message), null, false, false);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** A 429, with the registry's Retry-After if it gave one (null otherwise). */
    public static RegistryException rateLimited(String message, Duration retryAfter) {
        return new RegistryException(Kind.RATE_LIMITED, 429, message, retryAfter);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status behind this failure, or 0 when no answer caused it. */
    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Parts of messages come from registries and the network; control, format (bidirectional
     * overrides) and line-separator characters must not reshape a warning line.
     */
    private static String printable(String message) {
        return message.replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", "?");
    }
}
