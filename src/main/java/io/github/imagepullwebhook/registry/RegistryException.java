package io.github.imagepullwebhook.registry;

/** A registry that did not give a digest. The message is safe to show users: it never holds credentials. */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryException(String message) {
        super(message, null, false, false);
    }
}
