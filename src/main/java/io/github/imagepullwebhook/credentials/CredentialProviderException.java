package io.github.imagepullwebhook.credentials;

/**
 * A credential provider plugin gave no usable answer. The message names the provider and what
 * went wrong, and is shown to the user in the review's warning; it never quotes the plugin's
 * output (stdout may hold the credentials, stderr may too).
 */
public final class CredentialProviderException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String provider;

    public CredentialProviderException(String provider, String problem) {
        super("credential provider \"" + provider + "\" " + problem, null, false, false);
        this.provider = provider;
    }

    public String provider() {
        return provider;
    }
}
