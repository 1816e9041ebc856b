package io.github.imagepullwebhook.admission;

/** A request body that cannot be answered with an AdmissionResponse (no review, no uid). */
public final class BadReviewException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadReviewException(String message) {
        super(message, null, false, false);
    }
}
