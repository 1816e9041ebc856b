package io.github.imagepullwebhook.audit;

/**
 * One list the API server refused (403, a kind it does not serve, a server error). The audit
 * goes on without those objects and ends incomplete, so a gate that reads its exit code never
 * passes on what it could not see.
 */
public final class ListFailedException extends Exception {

    public ListFailedException(String message) {
        super(message);
    }
}
