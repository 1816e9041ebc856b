package io.github.imagepullwebhook.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.imagepullwebhook.config.WebhookConfig;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.bindAddress} and {@code server.metricsBindAddress}, seen from the network. On
 * Linux every address of 127.0.0.0/8 is this machine's, so 127.0.0.2 is "another local address"
 * without creating one; the default server shows that it is reachable there, so a refusal is the
 * bind address's doing.
 */
class BindAddressTest {

    static final String OTHER_LOCAL_ADDRESS = "127.0.0.2";

    @TempDir
    Path dir;
    Vertx vertx;
    GeneratedCertificates files;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        files = GeneratedCertificates.create(dir, GeneratedCertificates.serviceNames("w", "ns"));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void loopbackListenersAreNotReachableOnAnotherLocalAddress() throws Exception {
        WebhookServer server = WebhookServerTest.start(vertx, config("bindAddress: 127.0.0.1, metricsBindAddress: 127.0.0.1"));
        for (int port : new int[] {server.port(), server.metricsPort()}) {
            connect("127.0.0.1", port);
            assertThatThrownBy(() -> connect(OTHER_LOCAL_ADDRESS, port)).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void eachListenerHasItsOwnAddress() throws Exception {
        WebhookServer server = WebhookServerTest.start(vertx, config("metricsBindAddress: 127.0.0.1"));
        connect(OTHER_LOCAL_ADDRESS, server.port());
        assertThatThrownBy(() -> connect(OTHER_LOCAL_ADDRESS, server.metricsPort())).isInstanceOf(ConnectException.class);
    }

    @Test
    void byDefaultBothListenOnAllInterfaces() throws Exception {
        WebhookServer server = WebhookServerTest.start(vertx, config(""));
        connect(OTHER_LOCAL_ADDRESS, server.port());
        connect(OTHER_LOCAL_ADDRESS, server.metricsPort());
    }

    private WebhookConfig config(String addresses) {
        return WebhookConfig.parse("server: {port: 0, metricsPort: 0, tls: {certFile: " + files.certFile() + ", keyFile: "
                + files.keyFile() + "}" + (addresses.isEmpty() ? "" : ", " + addresses) + "}");
    }

    private static void connect(String address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            assertThat(socket.isConnected()).isTrue();
        }
    }
}
