package io.github.imagepullwebhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.credentials.Keyring;
import io.github.imagepullwebhook.credentials.StaticKeychain;
import io.github.imagepullwebhook.policy.Rules;
import io.github.imagepullwebhook.registry.CachingResolver;
import io.github.imagepullwebhook.registry.RegistryClient;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.LoopbackGuard;
import io.github.imagepullwebhook.testing.RawHttp;
import io.github.imagepullwebhook.testing.Reviews;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A registry that misbehaves in every way the issue lists, spoken to over a real socket by the
 * real client: each review is answered within the pinning deadline (plus scheduling slack), as
 * {@code registry.onError} says; connections are only ever the client pool's (at most its size
 * while the faults play) and all of them end once idle; no thread is left behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryFaultReviewsTest {

    static final Duration DEADLINE = Duration.ofMillis(1_500);
    static final Rules PIN = new Rules(true, false, true, false);
    /** How long the client pool may take to drop idle connections (its keep-alive is 1 s), with slack for a loaded machine. */
    static final Duration SETTLE = Duration.ofSeconds(20);

    /** What the fake registry does with each connection. */
    enum Fault {
        REFUSES_CONNECTIONS, RESETS_MID_RESPONSE, ANSWERS_500, GIGABYTE_BODY, MALFORMED_BODY, STALLS_AFTER_HEADERS,
        TOKEN_REALM_DOWN
    }

    final Vertx vertx = Vertx.vertx();
    final AtomicInteger open = new AtomicInteger();
    ServerSocket registry;
    int refusedPort;
    volatile Fault fault;
    AdmissionService allow;
    AdmissionService deny;
    int threadsBefore;

    @BeforeAll
    void start() throws Exception {
        try (ServerSocket closed = new ServerSocket(0)) {
            refusedPort = closed.getLocalPort(); // nothing listens here once closed
        }
        registry = new ServerSocket(0);
        Thread acceptor = new Thread(this::accept, "fault-registry");
        acceptor.setDaemon(true);
        acceptor.start();
        allow = service(false);
        deny = service(true);
        fault = Fault.ANSWERS_500; // one round first, so that the event loops and pools exist before counting threads
        allow.review(Reviews.pod(host(registry.getLocalPort()) + "/warm/up:1").getBytes(StandardCharsets.UTF_8), PIN, Mode.MUTATE);
        Await.until(SETTLE, () -> open.get() == 0, () -> "the warm-up's connections to end (" + open + " open)");
        threadsBefore = Thread.activeCount();
    }

    @AfterAll
    void stop() throws Exception {
        registry.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    AdmissionService service(boolean denyOnError) {
        Set<String> insecure = Set.of(host(registry.getLocalPort()), host(refusedPort));
        // As Main builds it (client timeout = registry.timeout), but idle pooled connections are
        // dropped after 1 s instead of 60, so the test can see every connection end.
        RegistryClient client = new RegistryClient(vertx, new HttpClientOptions().setKeepAliveTimeout(1), insecure,
                DEADLINE.toMillis(), LoopbackGuard.of(vertx));
        Pinning pinning = new Pinning(new StaticKeychain(new Keyring()),
                new CachingResolver(client, Duration.ofMinutes(1), Duration.ofMillis(1), 100), DEADLINE, denyOnError);
        return new AdmissionService(new ObjectMapper(), new SkipRules(Set.of()), pinning);
    }

    static String host(int port) {
        return "127.0.0.1:" + port;
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void everyReviewIsAnsweredInTimeAsOnErrorSaysAndNothingLeaks(Fault fault) throws Exception {
        this.fault = fault;
        int port = fault == Fault.REFUSES_CONNECTIONS ? refusedPort : registry.getLocalPort();
        String image = host(port) + "/team/app:" + fault.name().toLowerCase(Locale.ROOT).replace('_', '-');

        long started = System.nanoTime();
        Answer allowed = allow.review(Reviews.pod(image).getBytes(StandardCharsets.UTF_8), PIN, Mode.MUTATE);
        long allowMillis = (System.nanoTime() - started) / 1_000_000;
        started = System.nanoTime();
        Answer denied = deny.review(Reviews.pod(image).getBytes(StandardCharsets.UTF_8), PIN, Mode.MUTATE);
        long denyMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(allowMillis).as("onError allow answered after").isLessThan(DEADLINE.toMillis() + 1_000);
        assertThat(denyMillis).as("onError deny answered after").isLessThan(DEADLINE.toMillis() + 1_000);
        assertThat(allowed.reason()).isEqualTo(Reason.RESOLUTION_FAILED_ALLOWED);
        assertThat(allowed.body().path("response").path("allowed").asBoolean()).isTrue();
        assertThat(allowed.body().path("response").path("warnings").toString()).contains("was not pinned");
        assertThat(allowed.body().path("response").path("auditAnnotations").path("pinning-failed").asText()).contains(image);
        assertThat(denied.reason()).isEqualTo(Reason.RESOLUTION_FAILED_DENIED);
        assertThat(denied.body().path("response").path("status").path("code").asInt()).isEqualTo(503);
        assertThat(denied.body().path("response").path("status").path("message").asText())
                .contains("could not pin every image").contains(image);

        assertThat(open.get()).as("connections while faults play").isLessThanOrEqualTo(2 * 5); // two clients, pools of 5
        Await.until(SETTLE, () -> open.get() == 0 && Thread.activeCount() <= threadsBefore,
                () -> "every registry connection to end and no thread to be left: " + open + " open, "
                        + Thread.activeCount() + " threads (" + threadsBefore + " before)");
    }

    private void accept() {
        while (!registry.isClosed()) {
            try {
                Socket socket = registry.accept();
                open.incrementAndGet();
                Thread handler = new Thread(() -> serve(socket), "fault-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Plays the current fault to every request on one connection, until either side hangs up. */
    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = RawHttp.readHead(in); // blocks until the next request, or throws when the client closes
                boolean isHead = head.startsWith("HEAD");
                switch (fault) {
                    case RESETS_MID_RESPONSE -> {
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: 400\r\nContent-Type: " + OCI + "\r\n\r\n{\"schema")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        socket.setSoLinger(true, 0); // close with RST
                        return;
                    }
                    case ANSWERS_500 -> respond(out, isHead, "500 Internal Server Error", "text/plain", "", "boom");
                    case GIGABYTE_BODY -> {
                        if (isHead) {
                            respond(out, true, "200 OK", OCI, "", "{}"); // no digest: the client must GET and hash
                        } else {
                            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + OCI + "\r\nContent-Length: 1073741824\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            byte[] chunk = new byte[64 * 1024];
                            for (long sent = 0; sent < (1L << 30); sent += chunk.length) {
                                out.write(chunk); // until the client gives up and closes
                            }
                        }
                    }
                    case MALFORMED_BODY -> respond(out, isHead, "200 OK", OCI, "", "<html>not a manifest</html>");
                    case STALLS_AFTER_HEADERS -> {
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    case TOKEN_REALM_DOWN -> respond(out, isHead, "401 Unauthorized", "application/json",
                            "WWW-Authenticate: Bearer realm=\"http://" + host(refusedPort) + "/token\",service=\"fault\","
                                    + "scope=\"repository:team/app:pull\"\r\n", "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
                    default -> {
                        return;
                    }
                }
            }
        } catch (IOException gone) {
            // the client hung up, or the fault did
        } finally {
            open.decrementAndGet();
        }
    }

    static final String OCI = "application/vnd.oci.image.manifest.v1+json";

    /** A whole response; to a HEAD request, the same headers without the body. */
    private static void respond(OutputStream out, boolean isHead, String status, String type, String extraHeaders,
                                String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\n" + extraHeaders + "Content-Length: "
                + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        if (!isHead) {
            out.write(bytes);
        }
        out.flush();
    }
}
