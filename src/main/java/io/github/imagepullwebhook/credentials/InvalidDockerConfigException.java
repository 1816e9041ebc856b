package io.github.imagepullwebhook.credentials;

/** A docker config that does not parse. The message never quotes the input, which holds secrets. */
public final class InvalidDockerConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidDockerConfigException(String message) {
        super(message, null, false, false);
    }
}
