package io.github.imagepullwebhook.server;

/**
 * Whether the server should receive new reviews: false while starting and from the moment
 * shutdown begins, so that the Service stops routing to a pod before it stops accepting.
 */
final class Readiness {
    private volatile boolean ready;

    boolean ready() {
        return ready;
    }

    void set(boolean value) {
        ready = value;
    }
}
