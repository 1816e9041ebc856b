package io.github.imagepullwebhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.testing.Await;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostGuardTest {

    final Vertx vertx = Vertx.vertx();
    final AtomicInteger contacted = new AtomicInteger();
    /** Stands in for the network: counts what the guard lets through. */
    final DigestResolver network = new DigestResolver() {
        @Override
        public CompletionStage<String> resolve(ImageReference image, List<RegistryCredential> credentials) {
            contacted.incrementAndGet();
            return CompletableFuture.completedFuture("sha256:" + "0".repeat(64));
        }
    };

    @AfterEach
    void close() {
        vertx.close();
    }

    String resolve(HostGuard guard, String image) throws Exception {
        return Await.result(guard.resolve(ImageReference.parse(image), List.of()));
    }

    @ParameterizedTest(name = "{0} refused")
    @CsvSource({
            "169.254.169.254/latest/meta-data:1,  link-local (metadata)",
            "[fd00:ec2::254]/x:1,                 link-local (metadata)",
            "[fe80::1]:5000/x:1,                  link-local (metadata)",
            "127.0.0.1:5000/x:1,                  loopback",
            "localhost:5000/x:1,                  loopback",
            "10.1.2.3/x:1,                        private",
            "192.168.0.10:5000/x:1,               private",
            "[fd12:3456::1]/x:1,                  private",
    })
    void internalAddressesAreNotContactedByDefault(String image, String kind) {
        HostGuard guard = new HostGuard(network, vertx, List.of(), List.of());
        assertThatThrownBy(() -> resolve(guard, image)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("resolves to a " + kind + " address");
        assertThat(contacted).hasValue(0);
    }

    @Test
    void anAllowPatternOpensPrivateAddressesButNeverMetadata() throws Exception {
        HostGuard guard = new HostGuard(network, vertx, List.of("127.0.0.1:*", "169.254.169.254"), List.of());
        assertThat(resolve(guard, "127.0.0.1:5000/x:1")).startsWith("sha256:");
        assertThatThrownBy(() -> resolve(guard, "169.254.169.254/x:1")).hasMessageContaining("link-local");
        assertThatThrownBy(() -> resolve(guard, "10.0.0.1/x:1")).hasMessageContaining("registry.allow");
        assertThat(contacted).hasValue(1);
    }

    @Test
    void denyPatternsWin() {
        HostGuard guard = new HostGuard(network, vertx, List.of("*"), List.of("*.internal.example.com", "127.0.0.1:6000"));
        assertThatThrownBy(() -> resolve(guard, "registry.internal.example.com/x:1")).hasMessageContaining("registry.deny");
        assertThatThrownBy(() -> resolve(guard, "127.0.0.1:6000/x:1")).hasMessageContaining("registry.deny");
        assertThat(contacted).hasValue(0);
    }

    @Test
    void publicAddressesPass() throws Exception {
        assertThat(HostGuard.refusal(InetAddress.getByName("203.0.113.7"), false)).isNull();
        assertThat(HostGuard.refusal(InetAddress.getByName("2001:db8::1"), false)).isNull();
        assertThat(HostGuard.refusal(InetAddress.getByName("172.16.0.1"), false)).isEqualTo("a private");
    }

    /** End to end with the real client: a loopback listener sees no connection at all unless allowed. */
    @Test
    void aLoopbackListenerIsNeverConnectedToUnlessAllowed() throws Exception {
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        listener.accept().close();
                        accepted.incrementAndGet();
                    }
                } catch (java.io.IOException closed) {
                    // done
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String image = "127.0.0.1:" + listener.getLocalPort() + "/team/app:1";
            RegistryClient client = new RegistryClient(vertx, new io.vertx.core.http.HttpClientOptions(),
                    java.util.Set.of("127.0.0.1:" + listener.getLocalPort()), 2_000);
            List<RegistryCredential> credential = List.of(new RegistryCredential("u", "p", null, "test"));

            HostGuard closed = new HostGuard(client, vertx, List.of(), List.of());
            assertThatThrownBy(() -> Await.result(closed.resolve(ImageReference.parse(image), credential)))
                    .hasMessageContaining("loopback");
            Thread.sleep(300);
            assertThat(accepted).as("connections before allowing").hasValue(0);

            HostGuard allowing = new HostGuard(client, vertx, List.of("127.0.0.1:*"), List.of());
            assertThatThrownBy(() -> Await.result(allowing.resolve(ImageReference.parse(image), credential)))
                    .isInstanceOf(RegistryException.class); // it hangs up at once: no registry there
            assertThat(accepted.get()).as("connections once allowed").isPositive();
        }
    }
}
