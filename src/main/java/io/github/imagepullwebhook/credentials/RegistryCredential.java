package io.github.imagepullwebhook.credentials;

import java.util.Objects;

/**
 * One credential from a docker config entry, a credential provider's answer, or a pull Secret.
 * A value: equal when its four parts are. Not a record only because it keeps its
 * {@link CredentialFingerprint}, computed on first use: every review that uses the same
 * credential object (the node's {@code config.json}, a plugin's cached answer) would otherwise
 * compute the same HMAC again.
 */
public final class RegistryCredential {

    private final String username;
    private final String password;
    private final String identityToken;
    private final String source;
    /** Set on first use; a race computes the same value twice, harmlessly (as String's hash). */
    private String fingerprint;

    /**
     * @param username      user name, may be empty with an identity token
     * @param password      password or access token; never printed
     * @param identityToken an OAuth2 refresh token ({@code identitytoken}); never printed
     * @param source        where it came from, e.g. {@code secret team-a/regcred, key registry.example.com};
     *                      safe to print
     */
    public RegistryCredential(String username, String password, String identityToken, String source) {
        this.username = username == null ? "" : username;
        this.password = password == null ? "" : password;
        this.identityToken = identityToken == null ? "" : identityToken;
        this.source = source;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String identityToken() {
        return identityToken;
    }

    public String source() {
        return source;
    }

    public boolean hasIdentityToken() {
        return !identityToken.isEmpty();
    }

    /** This credential's {@link CredentialFingerprint}, computed once. */
    String fingerprint() {
        String computed = fingerprint;
        if (computed == null) {
            computed = CredentialFingerprint.compute(this);
            fingerprint = computed;
        }
        return computed;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RegistryCredential that && username.equals(that.username)
                && password.equals(that.password) && identityToken.equals(that.identityToken)
                && Objects.equals(source, that.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(username, password, identityToken, source);
    }

    /** Names the credential by its source only: a credential must never reach a log. */
    @Override
    public String toString() {
        return "RegistryCredential[" + source + "]";
    }
}
