package io.github.imagepullwebhook.registry;

/** A registry that did not give a digest. The message is safe to show users: it never holds credentials. */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** How long the registry asked us to stay away (429 Retry-After), or null. */
    private final transient java.time.Duration retryAfter;

    public RegistryException(String message) {
        this(message, null);
    }

    public RegistryException(String message, java.time.Duration retryAfter) {
        super(message, null, false, false);
        this.retryAfter = retryAfter;
    }

    public java.util.Optional<java.time.Duration> retryAfter() {
        return java.util.Optional.ofNullable(retryAfter);
    }
}
