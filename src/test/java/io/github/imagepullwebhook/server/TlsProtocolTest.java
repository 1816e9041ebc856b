package io.github.imagepullwebhook.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.0/1.1 are refused by the server itself. The JDK's client cannot even offer them, so
 * the handshakes come from openssl (installed by .ci/run), with its own security level lowered
 * so that any refusal is the server's.
 */
class TlsProtocolTest {

    @TempDir
    Path dir;

    @Test
    void onlyTls12And13AreAccepted() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            GeneratedCertificates files = GeneratedCertificates.create(dir, GeneratedCertificates.serviceNames("w", "ns"));
            WebhookServer server = WebhookServerTest.start(vertx, WebhookServerTest.config(files, 0));
            assertThat(handshake(server.port(), "-tls1_3")).contains("Protocol  : TLSv1.3").doesNotContain("alert");
            assertThat(handshake(server.port(), "-tls1_2")).contains("Protocol  : TLSv1.2").doesNotContain("alert");
            assertThat(handshake(server.port(), "-tls1_1")).containsPattern("alert protocol version|no protocols available")
                    .doesNotContain("Protocol  : TLSv1.1");
            assertThat(handshake(server.port(), "-tls1")).containsPattern("alert protocol version|no protocols available")
                    .doesNotContain("Protocol  : TLSv1\n");
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static String handshake(int port, String version) throws Exception {
        Process process = new ProcessBuilder(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, version,
                "-cipher", "DEFAULT@SECLEVEL=0", "-brief")).redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("Protocol version:", "Protocol  :");
    }
}
