package io.github.imagepullwebhook.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;

/** What a test can learn about a port from outside. */
public final class Ports {

    private Ports() {
    }

    /** Whether a new TCP connection to {@code port} on localhost is refused: nobody listens there. */
    public static boolean refused(int port) throws IOException {
        try (Socket ignored = new Socket("localhost", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }
}
