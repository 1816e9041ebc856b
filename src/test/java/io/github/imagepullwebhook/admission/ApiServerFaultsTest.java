package io.github.imagepullwebhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.credentials.Keyring;
import io.github.imagepullwebhook.credentials.KubernetesKeychain;
import io.github.imagepullwebhook.policy.Rules;
import io.github.imagepullwebhook.registry.DigestResolver;
import io.github.imagepullwebhook.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API server unreachable, or accepting connections and never answering, while a burst of
 * reviews needs pull Secrets: every review is answered within the pinning deadline with a
 * warning naming the cause, and the keychain's threads are not held past the deadline by reads
 * whose reviews are already answered.
 */
class ApiServerFaultsTest {

    static final Duration DEADLINE = Duration.ofMillis(800);
    static final Rules PIN = new Rules(true, false, true, false);
    static final String POD_WITH_SECRET = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
            + "\"request\":{\"uid\":\"u\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"operation\":\"CREATE\","
            + "\"namespace\":\"team-a\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
            + "\"spec\":{\"imagePullSecrets\":[{\"name\":\"regcred\"}],\"containers\":[{\"name\":\"c\","
            + "\"image\":\"registry.example.com/team/app:1\"}]}}}}";

    /** The keychain's threads; a pool whose finished tasks can be counted. */
    final ThreadPoolExecutor secrets = (ThreadPoolExecutor) Executors.newFixedThreadPool(2);
    final AtomicInteger registryCalls = new AtomicInteger();
    final List<KubernetesClient> clients = new ArrayList<>();

    /** Stands in for the registry: counts what reaches it. */
    final DigestResolver registry = (image, credentials) -> {
        registryCalls.incrementAndGet();
        return CompletableFuture.completedFuture("sha256:" + "0".repeat(64));
    };

    @AfterEach
    void close() {
        clients.forEach(KubernetesClient::close);
        secrets.shutdownNow();
    }

    AdmissionService service(String apiUrl) {
        Config base = new ConfigBuilder(Config.empty()).withMasterUrl(apiUrl).withTrustCerts(true).build();
        // The client as served: its timeouts end just past the review's deadline, so the deadline
        // is what ends a hung read. (With the two equal, as before, a loaded CI machine once fired
        // the client's first: the read counted as "not reachable" and the image was resolved
        // without the Secret, a different, also admitted, answer than this test pins.)
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(KubernetesKeychain.apiConfig(base, DEADLINE)).build();
        clients.add(client);
        Pinning pinning = new Pinning(new KubernetesKeychain(client, secrets, new Keyring()), registry, DEADLINE, false);
        return new AdmissionService(new ObjectMapper(), new SkipRules(Set.of()), pinning);
    }

    /** Twenty reviews at once; each must be answered within the deadline plus scheduling slack. */
    void assertBurstAnsweredInTime(AdmissionService service, Consumer<Answer> check) throws Exception {
        List<CompletableFuture<Long>> burst = new ArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(20);
        try {
            for (int i = 0; i < 20; i++) {
                burst.add(CompletableFuture.supplyAsync(() -> {
                    long started = System.nanoTime();
                    Answer answer = service.review(POD_WITH_SECRET.getBytes(StandardCharsets.UTF_8), PIN, Mode.MUTATE);
                    check.accept(answer);
                    return (System.nanoTime() - started) / 1_000_000;
                }, callers));
            }
            for (CompletableFuture<Long> review : burst) {
                assertThat(review.get()).as("milliseconds to answer").isLessThan(DEADLINE.toMillis() + 1_500);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void anUnreachableApiServer() throws Exception {
        int closedPort;
        try (ServerSocket closed = new ServerSocket(0)) {
            closedPort = closed.getLocalPort();
        }
        // Refused at once: the Secret is reported unreadable, and the image is resolved as the
        // kubelet would pull it, without that Secret (here the registry stand-in answers).
        assertBurstAnsweredInTime(service("https://127.0.0.1:" + closedPort), answer -> {
            assertThat(answer.reason()).isEqualTo(Reason.PATCHED);
            assertThat(answer.body().path("response").path("warnings").toString())
                    .contains("cannot read imagePullSecret \\\"regcred\\\" (API server not reachable: ");
        });
        assertThat(registryCalls).hasValue(20);
    }

    @Test
    void anApiServerThatAcceptsAndNeverAnswers() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                        connections.incrementAndGet();
                    }
                } catch (IOException closed) {
                    // done
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            assertBurstAnsweredInTime(service("https://127.0.0.1:" + silent.getLocalPort()), answer -> {
                assertThat(answer.reason()).isEqualTo(Reason.RESOLUTION_FAILED_ALLOWED);
                assertThat(answer.body().path("response").path("warnings").toString())
                        .contains("was not pinned: cannot read pull secrets");
            });
            assertThat(registryCalls).hasValue(0); // nothing is pinned with credentials it never read
            // Every read the burst queued has had its turn on a keychain thread (without the skip,
            // that takes ten rounds of a request timeout, each connecting once more).
            Await.until(Duration.ofSeconds(60), () -> secrets.getCompletedTaskCount() == 20,
                    () -> "the 20 queued Secret reads to be done (" + secrets.getCompletedTaskCount() + " are)");
            // Two keychain threads, each held at most one request timeout: reads queued behind them
            // found their review answered and never called the API.
            assertThat(connections.get()).as("connections to the silent API server").isLessThanOrEqualTo(6);
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
