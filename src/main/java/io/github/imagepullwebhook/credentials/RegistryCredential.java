package io.github.imagepullwebhook.credentials;

/**
 * One credential from a docker config entry.
 *
 * @param username      user name, may be empty with an identity token
 * @param password      password or access token; never printed
 * @param identityToken an OAuth2 refresh token ({@code identitytoken}); never printed
 * @param source        where it came from, e.g. {@code secret team-a/regcred, key registry.example.com};
 *                      safe to print
 */
public record RegistryCredential(String username, String password, String identityToken, String source) {

    public RegistryCredential {
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        identityToken = identityToken == null ? "" : identityToken;
    }

    public boolean hasIdentityToken() {
        return !identityToken.isEmpty();
    }

    /** Names the credential by its source only: a credential must never reach a log. */
    @Override
    public String toString() {
        return "RegistryCredential[" + source + "]";
    }
}
