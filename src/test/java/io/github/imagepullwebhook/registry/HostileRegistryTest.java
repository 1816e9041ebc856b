package io.github.imagepullwebhook.registry;

import static io.github.imagepullwebhook.testing.StubResolver.ipv4;
import static io.github.imagepullwebhook.testing.StubResolver.ipv6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.registry.RegistryException.Kind;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.RecordingListener;
import io.github.imagepullwebhook.testing.StubResolver;
import io.github.imagepullwebhook.testing.TestRegistry;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A hostile registry on loopback, the real client and guard, and a loopback listener standing
 * in for an internal service, which records every connection it receives. Each attack here got
 * through while the guard checked only the image's registry, once, before the client resolved
 * the name again by itself.
 *
 * <p>Names resolve through a stub, and Vert.x's own resolver answers 127.0.0.1 for every test
 * name: a client that resolved a name again, instead of connecting to the checked address,
 * would land on a recording listener. Nothing here connects beyond loopback.
 */
class HostileRegistryTest {

    static final String DIGEST = "sha256:" + "d".repeat(64);
    static final List<String> TEST_NAMES = List.of("rebind.test", "mapped.test", "metadata.test", "evil.test",
            "10.0.0.1.evil.test", "registry.test", "other.test");

    final Vertx vertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(new AddressResolverOptions()
            .setHostsValue(Buffer.buffer("127.0.0.1 " + String.join(" ", TEST_NAMES) + "\n"))));
    final StubResolver dns = new StubResolver();
    /** Method, path and Authorization of every request the hostile registry received. */
    final List<String> registrySaw = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> started = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    RecordingListener internalService(String json) throws Exception {
        RecordingListener listener = RecordingListener.answeringJson(json);
        started.add(listener);
        return listener;
    }

    /** A registry on loopback that answers as {@code handler} says; returns its host:port. */
    String registry(Handler<HttpServerRequest> handler) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            registrySaw.add(request.method() + " " + request.path() + " " + request.getHeader("Authorization"));
            handler.handle(request);
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        return "127.0.0.1:" + server.actualPort();
    }

    RegistryClient client(Set<String> insecure, List<String> allow) {
        return client(new HttpClientOptions(), insecure, allow);
    }

    RegistryClient client(HttpClientOptions options, Set<String> insecure, List<String> allow) {
        return new RegistryClient(vertx, options, insecure, 2_000, new HostGuard(vertx, allow, List.of(), dns));
    }

    static RegistryException failure(RegistryClient client, String image, RegistryCredential... credentials) {
        Throwable thrown = catchThrowable(() -> Await.result(client.resolve(ImageReference.parse(image),
                List.of(credentials))));
        assertThat(thrown).as(image).isInstanceOf(RegistryException.class);
        return (RegistryException) thrown;
    }

    /** Where the registry sends the client off to: on HEAD itself, or on the GET that follows a HEAD without digest. */
    enum RedirectOn { HEAD, GET }

    /** A port scanner: the allowed registry redirects to a port the rules do not allow. */
    @ParameterizedTest(name = "redirect on {0}")
    @EnumSource(RedirectOn.class)
    void aRedirectToAPortThatIsNotAllowedIsNotFollowed(RedirectOn on) throws Exception {
        RecordingListener internal = internalService("{}");
        String registry = registry(request -> {
            if (on == RedirectOn.GET && request.method() == HttpMethod.HEAD) {
                request.response().end(); // 200 without Docker-Content-Digest: the client GETs the manifest
            } else {
                request.response().setStatusCode(on == RedirectOn.HEAD ? 307 : 302)
                        .putHeader("Location", "http://" + internal.authority() + "/scan").end();
            }
        });

        RegistryException refused = failure(client(Set.of(registry), List.of(registry)), registry + "/team/app:1");

        assertThat(refused.kind()).isEqualTo(Kind.REFUSED_BY_POLICY);
        assertThat(refused).hasMessage("redirect from " + registry + " to " + internal.authority()
                + " matches no registry.allow pattern; not contacted");
        assertThat(internal.connections()).isZero();
    }

    /** Metadata and link-local targets are refused even when a pattern names them, in every spelling. */
    @ParameterizedTest(name = "redirect to {0}")
    @CsvSource({
            "http://169.254.169.254/latest/meta-data/,         169.254.169.254:80",
            "http://metadata.test/computeMetadata/v1/,         metadata.test:80",
            "http://[fe80::1]:8080/,                           [fe80:0:0:0:0:0:0:1]:8080",
            "http://[::ffff:169.254.169.254]/,                 169.254.169.254:80",
            "https://[fd00:ec2::254]/latest/api/token,         [fd00:ec2:0:0:0:0:0:254]:443",
            "http://100.100.100.200/latest/meta-data/,         100.100.100.200:80",
    })
    void aRedirectToMetadataIsRefusedWithoutConnecting(String location, String shown) throws Exception {
        dns.answer("metadata.test", ipv6("00000000000000000000ffffa9fea9fe"));
        String registry = registry(request -> request.response().setStatusCode(307).putHeader("Location", location).end());
        List<String> allowEverythingNamed = List.of(registry, "169.254.169.254", "metadata.test", "[fe80::1]",
                "[fd00:ec2::254]", "100.100.100.200");

        RegistryException refused = failure(client(Set.of(registry), allowEverythingNamed), registry + "/team/app:1");

        assertThat(refused.kind()).as("refused by the rules, not failed while connecting").isEqualTo(Kind.REFUSED_BY_POLICY);
        assertThat(refused).hasMessageStartingWith("redirect from " + registry + " to " + shown + " resolves to a link-local")
                .hasMessageEndingWith("; not contacted");
    }

    /** Exfiltration: the realm's answer would have been sent to the registry as a bearer token. */
    @Test
    void aTokenRealmOnAnInternalServiceIsNotFetched() throws Exception {
        RecordingListener internal = internalService("{\"token\":\"internal-secret\"}");
        String registry = registry(request -> request.response().setStatusCode(401).putHeader("WWW-Authenticate",
                "Bearer realm=\"http://" + internal.authority() + "/token\",service=\"s\"").end());

        RegistryException refused = failure(client(Set.of(registry), List.of(registry)), registry + "/team/app:1");

        assertThat(refused.kind()).isEqualTo(Kind.REFUSED_BY_POLICY);
        assertThat(refused).hasMessage("token realm " + internal.authority() + " matches no registry.allow pattern; "
                + "not contacted");
        assertThat(internal.connections()).isZero();
        assertThat(registrySaw).noneMatch(seen -> seen.contains("internal-secret")).noneMatch(seen -> seen.contains("Bearer"));
    }

    /** The OAuth2 refresh-token grant is a POST to the realm: the same rules, before the identity token is sent. */
    @Test
    void theRefreshTokenGrantIsNotPostedToAnInternalService() throws Exception {
        RecordingListener internal = internalService("{\"access_token\":\"internal-secret\"}");
        String registry = registry(request -> request.response().setStatusCode(401).putHeader("WWW-Authenticate",
                "Bearer realm=\"https://" + internal.authority() + "/oauth2/token\",service=\"s\"").end());
        RegistryCredential identity = new RegistryCredential("", "", "refresh-token-DO-NOT-SEND", "secret team-a/sso");

        RegistryException refused = failure(client(Set.of(registry), List.of(registry)), registry + "/team/app:1", identity);

        assertThat(refused).hasMessageContaining("token realm " + internal.authority()).hasMessageContaining("not contacted");
        assertThat(internal.connections()).isZero();
        assertThat(registrySaw).noneMatch(seen -> seen.contains("Bearer"));
    }

    /** What a refusal says comes from URLs a registry chose: never their user-info, never a control character. */
    @Test
    void aRefusalNamesTheHostOnly() throws Exception {
        String registry = registry(request -> request.response().setStatusCode(401).putHeader("WWW-Authenticate",
                "Bearer realm=\"http://admin:hunter2@10.1.2.3:8080/token\",service=\"s\"").end());

        RegistryException refused = failure(client(Set.of(registry), List.of(registry)), registry + "/team/app:1");

        assertThat(refused).hasMessage("token realm 10.1.2.3:8080 matches no registry.allow pattern; not contacted");
    }

    @Test
    void aRedirectToSomethingOtherThanHttpIsNotFollowed() throws Exception {
        String registry = registry(request -> request.response().setStatusCode(302)
                .putHeader("Location", "file:///etc/kubernetes/admin.conf").end());

        RegistryException refused = failure(client(Set.of(registry), List.of(registry)), registry + "/team/app:1");

        assertThat(refused.kind()).isEqualTo(Kind.UNEXPECTED_ANSWER);
        assertThat(refused).hasMessage(registry + " redirected to a location that is not an http(s) URL with a host");
    }

    /** Names resolving to loopback, or to IPv4-mapped IPv6 addresses: the loopback ones would reach the listener. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "7f000001,                         a loopback address 127.0.0.1",
            "00000000000000000000ffff7f000001, a loopback address 127.0.0.1 (as 0:0:0:0:0:ffff:7f00:1)",
            "00000000000000000000ffffa9fea9fe, a link-local (metadata) address 169.254.169.254 (as 0:0:0:0:0:ffff:a9fe:a9fe)",
            "00000000000000000000ffff0a010203, a private address 10.1.2.3 (as 0:0:0:0:0:ffff:a01:203)",
    })
    void aRegistryNameResolvingToAMappedAddressIsRefused(String hex, String refusal) throws Exception {
        RecordingListener internal = internalService("{}");
        dns.answer("mapped.test", hex.length() == 8 ? ipv4(HexFormat.of().parseHex(hex)) : ipv6(hex));
        String registry = "mapped.test:" + internal.port();

        RegistryException refused = failure(client(Set.of(registry), List.of()), registry + "/team/app:1");

        assertThat(refused).hasMessage("registry " + registry + " resolves to " + refusal + "; not contacted");
        assertThat(internal.connections()).isZero();
    }

    /** With the old glob, {@code 10.0.0.*} covered this name, and naming it opened loopback too. */
    @Test
    void aGlobDoesNotAdmitANameThatMerelyStartsLikeAnAddress() throws Exception {
        RecordingListener internal = internalService("{}");
        dns.answer("10.0.0.1.evil.test", ipv4("127.0.0.1"));
        String registry = "10.0.0.1.evil.test:" + internal.port();

        RegistryException refused = failure(client(Set.of(registry), List.of("10.0.0.*:" + internal.port())),
                registry + "/team/app:1");

        assertThat(refused).hasMessage("registry " + registry + " matches no registry.allow pattern; not contacted");
        assertThat(internal.connections()).isZero();
    }

    /**
     * DNS rebinding: the name answers a public address when checked and loopback afterwards.
     * This test's network routes that public address to a stand-in on 127.0.0.2 (the policy's
     * answer is translated, as a router would), so where the connection went can be seen: at
     * the checked address, with the name in {@code Host}, and never at the loopback service.
     */
    @Test
    void aNameThatRebindsToLoopbackAfterTheCheckDoesNotReachLoopback() throws Exception {
        RecordingListener loopbackService = internalService("{}");
        int port = loopbackService.port();
        List<String> publicHostSaw = new CopyOnWriteArrayList<>();
        vertx.createHttpServer().requestHandler(request -> {
            publicHostSaw.add(request.method() + " " + request.authority());
            request.response().putHeader("Docker-Content-Digest", DIGEST).end();
        }).listen(port, "127.0.0.2").await(10, TimeUnit.SECONDS);
        dns.answers("rebind.test", List.of(ipv4("203.0.113.7")), List.of(ipv4("127.0.0.1")));
        HostGuard guard = new HostGuard(vertx, List.of(), List.of(), dns);
        ConnectionPolicy routed = (host, checkedPort) -> guard.check(host, checkedPort).map(checked ->
                checked.hostAddress().equals("203.0.113.7") ? SocketAddress.inetSocketAddress(checkedPort, "127.0.0.2") : checked);
        String registry = "rebind.test:" + port;
        RegistryClient client = new RegistryClient(vertx, new HttpClientOptions(), Set.of(registry), 2_000, routed);

        assertThat(Await.result(client.resolve(ImageReference.parse(registry + "/team/app:1"), List.of()))).isEqualTo(DIGEST);

        assertThat(publicHostSaw).containsExactly("HEAD " + registry);
        assertThat(dns.lookups).containsExactly("rebind.test");
        assertThat(loopbackService.connections()).isZero();
    }

    /** Redirects and realms the rules allow keep working: only the named ports are open here. */
    @Test
    void anAllowedRedirectAndAnAllowedRealmStillWork() throws Exception {
        String realm = registry(request -> request.response().putHeader("Content-Type", "application/json")
                .end("{\"token\":\"issued\"}"));
        String mirror = registry(request -> request.response().putHeader("Docker-Content-Digest", DIGEST).end());
        String registry = registry(request -> {
            if (!"Bearer issued".equals(request.getHeader("Authorization"))) {
                request.response().setStatusCode(401).putHeader("WWW-Authenticate",
                        "Bearer realm=\"http://" + realm + "/token\",service=\"s\"").end();
            } else {
                request.response().setStatusCode(307).putHeader("Location", "http://" + mirror + request.path()).end();
            }
        });

        RegistryClient client = client(Set.of(registry), List.of(registry, realm, mirror));

        assertThat(Await.result(client.resolve(ImageReference.parse(registry + "/team/app:1"), List.of()))).isEqualTo(DIGEST);
        assertThat(registrySaw).anyMatch(seen -> seen.startsWith("GET /token"))
                .anyMatch(seen -> seen.equals("HEAD /v2/team/app/manifests/1 null"));
    }

    /**
     * Connecting to the checked address keeps the name where TLS needs it: in SNI, in the
     * certificate check (the certificate names registry.test and 127.0.0.1, so only a check by
     * name refuses other.test) and in {@code Host}.
     */
    @Test
    void theCheckedAddressKeepsTheNameForSniCertificateAndHost() throws Exception {
        GeneratedCertificates certificates = GeneratedCertificates.create(dir.resolve("tls"), List.of("registry.test"));
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer https = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setSni(true).setKeyCertOptions(
                        new PemKeyCertOptions().setCertPath(certificates.certFile().toString())
                                .setKeyPath(certificates.keyFile().toString())))
                .requestHandler(request -> {
                    seen.add("sni=" + request.connection().indicatedServerName() + " host=" + request.authority());
                    request.response().putHeader("Docker-Content-Digest", DIGEST).end();
                }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        int port = https.actualPort();
        dns.answer("registry.test", ipv4("127.0.0.1")).answer("other.test", ipv4("127.0.0.1"));
        RegistryClient client = client(new HttpClientOptions().setTrustOptions(new PemTrustOptions()
                .addCertPath(certificates.caFile().toString())), Set.of(), List.of("registry.test", "other.test"));

        assertThat(Await.result(client.resolve(ImageReference.parse("registry.test:" + port + "/team/app:1"), List.of())))
                .isEqualTo(DIGEST);
        assertThat(seen).containsExactly("sni=registry.test host=registry.test:" + port);
        RegistryException mismatch = failure(client, "other.test:" + port + "/team/app:1");
        assertThat(mismatch.kind()).isEqualTo(Kind.TRANSPORT);
        assertThat(seen).as("the handshake failed: no request").hasSize(1);
    }

    /** The same over a real registry: docker-registry serving TLS for registry.test, reached through the stub's answer. */
    @Test
    void aRealRegistryOverTlsIsReachedByNameAtTheCheckedAddress() throws Exception {
        String name = "registry.test";
        GeneratedCertificates certificates = GeneratedCertificates.create(dir.resolve("tls"), List.of(name));
        TestRegistry registry = TestRegistry.https(Files.createDirectories(dir.resolve("registry")), certificates);
        started.add(registry);
        String pushed = registry.push("secure/app", "1", "amd64");
        dns.answer(name, ipv4("127.0.0.1"));
        String host = name + registry.host().substring(registry.host().indexOf(':'));
        RegistryClient client = client(new HttpClientOptions().setTrustOptions(new PemTrustOptions()
                .addCertPath(certificates.caFile().toString())), Set.of(), List.of(name));

        assertThat(Await.result(client.resolve(ImageReference.parse(host + "/secure/app:1"), List.of()))).isEqualTo(pushed);
    }
}
