package io.github.imagepullwebhook.image;

/** An image string that the distribution reference grammar does not accept. */
public final class InvalidImageReferenceException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidImageReferenceException(String message) {
        super(message, null, false, false);
    }
}
