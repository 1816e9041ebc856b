package io.github.imagepullwebhook.credentials;

/** A {@code CredentialProviderConfig} or plugin directory the webhook cannot use; one line, the user's to fix. */
public final class InvalidCredentialProviderConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidCredentialProviderConfigException(String message) {
        super(message, null, false, false);
    }
}
