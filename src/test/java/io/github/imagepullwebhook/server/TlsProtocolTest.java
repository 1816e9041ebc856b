package io.github.imagepullwebhook.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.ManualTimers;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the server accepts in a handshake, asked of the real server by openssl (installed by
 * .ci/run), with openssl's own security level lowered so that any refusal is the server's.
 * The JDK's client cannot even offer TLS 1.0/1.1 or most of the refused suites.
 *
 * <p>Two servers: one with the EC certificate the webhook makes for itself (and cert-manager
 * issues), one with an RSA certificate as a user may provide. RSA key exchange and the
 * ECDHE-RSA suites can only be negotiated with the second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsProtocolTest {

    Vertx vertx;
    WebhookServer ec;
    WebhookServer rsa;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        vertx = Vertx.vertx();
        ec = WebhookServerTest.start(vertx, WebhookServerTest.config(
                GeneratedCertificates.create(dir.resolve("ec"), GeneratedCertificates.serviceNames("w", "ns")), 0));
        rsa = WebhookServerTest.start(vertx, WebhookServerTest.config(rsaCertificate(dir.resolve("rsa")), 0));
    }

    @AfterAll
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void onlyTls12And13AreAccepted() throws Exception {
        for (WebhookServer server : List.of(ec, rsa)) {
            assertThat(handshake(server, "-tls1_3")).contains("Protocol  : TLSv1.3").doesNotContain("alert");
            assertThat(handshake(server, "-tls1_2")).contains("Protocol  : TLSv1.2").doesNotContain("alert");
            assertThat(handshake(server, "-tls1_1")).containsPattern("alert protocol version|no protocols available")
                    .doesNotContain("Protocol  : TLSv1.1");
            assertThat(handshake(server, "-tls1")).containsPattern("alert protocol version|no protocols available")
                    .doesNotContain("Protocol  : TLSv1\n");
        }
    }

    /** Mozilla's "intermediate" TLS 1.2 list without DHE: ECDHE key exchange, AEAD ciphers. */
    @ParameterizedTest
    @ValueSource(strings = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-RSA-CHACHA20-POLY1305"})
    void tls12OffersEcdheWithAead(String suite) throws Exception {
        WebhookServer server = suite.contains("-RSA-") ? rsa : ec;
        assertThat(handshake(server, "-tls1_2", "-cipher", suite + "@SECLEVEL=0"))
                .contains("Protocol  : TLSv1.2").contains("Ciphersuite: " + suite).doesNotContain("alert");
    }

    /** RSA key exchange (no forward secrecy), DHE, and CBC with SHA-1 or SHA-2 MACs. */
    @ParameterizedTest
    @ValueSource(strings = {"AES128-SHA", "AES256-SHA", "AES128-SHA256", "AES256-SHA256", "AES128-GCM-SHA256",
            "AES256-GCM-SHA384", "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384", "DHE-RSA-CHACHA20-POLY1305",
            "DHE-RSA-AES128-SHA", "DHE-RSA-AES256-SHA256", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA",
            "ECDHE-RSA-AES128-SHA256", "ECDHE-RSA-AES256-SHA384", "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA",
            "ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA384"})
    void tls12RefusesEveryOtherSuite(String suite) throws Exception {
        WebhookServer server = suite.contains("-ECDSA-") ? ec : rsa;
        assertThat(handshake(server, "-tls1_2", "-cipher", suite + "@SECLEVEL=0"))
                .containsPattern("alert handshake failure|no cipher")
                .doesNotContain("Ciphersuite: " + suite);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})
    void tls13SuitesAreAccepted(String suite) throws Exception {
        for (WebhookServer server : List.of(ec, rsa)) {
            assertThat(handshake(server, "-tls1_3", "-ciphersuites", suite))
                    .contains("Protocol  : TLSv1.3").contains("Ciphersuite: " + suite).doesNotContain("alert");
        }
    }

    /** HTTP/2 forbids the refused suites anyway; what is left must still negotiate it on TLS 1.2. */
    @Test
    void http2IsNegotiatedOnTls12() throws Exception {
        for (WebhookServer server : List.of(ec, rsa)) {
            assertThat(openssl(server, List.of("-tls1_2", "-alpn", "h2"))).contains("ALPN protocol: h2");
        }
    }

    /** A reload builds new TLS settings: they must be the same, not the JDK's defaults. */
    @Test
    void aReloadedCertificateIsServedWithTheSameSuites(@TempDir Path dir) throws Exception {
        GeneratedCertificates files = rsaCertificate(dir);
        ManualTimers timers = new ManualTimers(vertx);
        WebhookServer own = WebhookServerTest.start(vertx, WebhookServerTest.config(files, 0), new WebhookMetrics(), timers);
        try {
            BigInteger first = WebhookServerTest.servedSerial(own.port(), files.certFile());
            rsaCertificate(dir);
            timers.advance(Duration.ofMillis(WebhookServerTest.CERT_RELOAD_MILLIS));
            Await.until(WebhookServerTest.WAIT, () -> !newSerial(own, files).equals(BigInteger.ZERO),
                    () -> "the new certificate to be served");
            assertThat(newSerial(own, files)).as("the new certificate is served").isNotIn(BigInteger.ZERO, first);
            assertThat(handshake(own, "-tls1_2", "-cipher", "AES128-SHA@SECLEVEL=0")).contains("alert handshake failure");
            assertThat(handshake(own, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA@SECLEVEL=0"))
                    .contains("alert handshake failure");
            assertThat(handshake(own, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256@SECLEVEL=0"))
                    .contains("Ciphersuite: ECDHE-RSA-AES128-GCM-SHA256");
        } finally {
            own.stop().await(10, TimeUnit.SECONDS);
        }
    }

    /** The serial served to a client that trusts only the certificate now in the files; 0 until it is served. */
    private static BigInteger newSerial(WebhookServer server, GeneratedCertificates files) {
        try {
            return WebhookServerTest.servedSerial(server.port(), files.certFile());
        } catch (Exception stillTheOldOne) {
            return BigInteger.ZERO;
        }
    }

    private static String handshake(WebhookServer server, String... options) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(options));
        if (!arguments.contains("-cipher")) {
            arguments.addAll(List.of("-cipher", "DEFAULT@SECLEVEL=0"));
        }
        arguments.add("-brief");
        return openssl(server, arguments).replace("Protocol version:", "Protocol  :");
    }

    private static String openssl(WebhookServer server, List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port()));
        command.addAll(options);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** A self-signed RSA certificate for 127.0.0.1, as a user might bring one. */
    static GeneratedCertificates rsaCertificate(Path into) throws Exception {
        Files.createDirectories(into);
        GeneratedCertificates files = new GeneratedCertificates(into.resolve("tls.crt"), into.resolve("tls.crt"),
                into.resolve("tls.key"));
        Process process = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", files.keyFile().toString(), "-out", files.certFile().toString())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return files;
    }
}
