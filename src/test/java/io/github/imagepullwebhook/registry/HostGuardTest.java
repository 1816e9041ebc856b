package io.github.imagepullwebhook.registry;

import static io.github.imagepullwebhook.testing.StubResolver.ipv4;
import static io.github.imagepullwebhook.testing.StubResolver.ipv6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.imagepullwebhook.registry.RegistryException.Kind;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.StubResolver;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules themselves, on the production guard with a stub resolver: patterns, address
 * scopes, IPv6 forms that carry IPv4 addresses, and what is looked up where. The connections
 * that follow (redirects, realms, rebinding, TLS) are in {@link HostileRegistryTest}.
 */
class HostGuardTest {

    final Vertx vertx = Vertx.vertx();
    final StubResolver dns = new StubResolver()
            .answer("localhost", ipv4("127.0.0.1"), ipv6("00000000000000000000000000000001"))
            .answer("registry.example.com", ipv4("203.0.113.7"));

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    HostGuard guard(List<String> allow, List<String> deny) {
        return new HostGuard(vertx, allow, deny, dns);
    }

    static SocketAddress check(HostGuard guard, String host, int port) throws Exception {
        return Await.result(guard.check(host, port).toCompletionStage());
    }

    static RegistryException refusal(HostGuard guard, String host, int port) {
        Throwable thrown = catchThrowable(() -> check(guard, host, port));
        assertThat(thrown).as(host + ":" + port).isInstanceOf(RegistryException.class);
        return (RegistryException) thrown;
    }

    @ParameterizedTest(name = "{0} refused")
    @CsvSource({
            "169.254.169.254,  link-local (metadata)",
            "[fd00:ec2::254],  link-local (metadata)",
            "[fe80::1],        link-local (metadata)",
            "100.100.100.200,  link-local (metadata)",
            "127.0.0.1,        loopback",
            "localhost,        loopback",
            "0.0.0.0,          loopback",
            "[::1],            loopback",
            "[::],             loopback",
            "10.1.2.3,         private",
            "192.168.0.10,     private",
            "172.16.0.1,       private",
            "100.64.0.1,       private",
            "[fd12:3456::1],   private",
            "[::ffff:10.1.2.3], private",
    })
    void internalAddressesAreNotContactedByDefault(String host, String scope) {
        RegistryException refused = refusal(guard(List.of(), List.of()), host, 5000);
        assertThat(refused.kind()).isEqualTo(Kind.REFUSED_BY_POLICY);
        assertThat(refused).hasMessageContaining(" resolves to a " + scope + " address ");
    }

    /**
     * What a resolver answers (32 hex digits: the JDK leaves AAAA answers as IPv6, unlike
     * literals) is judged by the IPv4 address the connection reaches.
     */
    @ParameterizedTest(name = "a name resolving to {0} is refused as {2}")
    @CsvSource({
            "::ffff:127.0.0.1,         00000000000000000000ffff7f000001, a loopback address 127.0.0.1",
            "::ffff:169.254.169.254,   00000000000000000000ffffa9fea9fe, a link-local (metadata) address 169.254.169.254",
            "::ffff:10.1.2.3,          00000000000000000000ffff0a010203, a private address 10.1.2.3",
            "::127.0.0.1 (compatible), 0000000000000000000000007f000001, a loopback address 127.0.0.1",
            "::10.1.2.3 (compatible),  0000000000000000000000000a010203, a private address 10.1.2.3",
            "64:ff9b::10.1.2.3 (NAT64), 0064ff9b00000000000000000a010203, a private address",
            "64:ff9b::169.254.169.254, 0064ff9b0000000000000000a9fea9fe, a link-local (metadata) address",
            "64:ff9b::127.0.0.1,       0064ff9b00000000000000007f000001, a loopback address",
            "2002:a01:203:: (6to4),    20020a01020300000000000000000000, a private address",
            "2002:a9fe:a9fe:: (6to4),  2002a9fea9fe00000000000000000000, a link-local (metadata) address",
            "64:ff9b:1::a01:203,       0064ff9b00010000000000000a010203, a private address",
    })
    void ipv6FormsCarryingAnInternalIpv4AddressAreRefused(String form, String hex, String expected) {
        dns.answer("mapped.test", ipv6(hex));
        RegistryException refused = refusal(guard(List.of(), List.of()), "mapped.test", 443);
        assertThat(refused.kind()).as(form).isEqualTo(Kind.REFUSED_BY_POLICY);
        assertThat(refused).as(form).hasMessageStartingWith("mapped.test:443 resolves to " + expected);
    }

    @ParameterizedTest(name = "a name resolving to {0} is contacted at {2}")
    @CsvSource({
            "::ffff:203.0.113.7,      00000000000000000000ffffcb007107, 203.0.113.7",
            "64:ff9b::203.0.113.7,    0064ff9b0000000000000000cb007107, 64:ff9b:0:0:0:0:cb00:7107",
            "2002:cb00:7107:: (6to4), 2002cb00710700000000000000000000, 2002:cb00:7107:0:0:0:0:0",
            "2001:db8::1,             20010db8000000000000000000000001, 2001:db8:0:0:0:0:0:1",
    })
    void ipv6FormsCarryingAPublicAddressPass(String form, String hex, String connectedTo) throws Exception {
        dns.answer("public.test", ipv6(hex));
        SocketAddress address = check(guard(List.of(), List.of()), "public.test", 443);
        assertThat(address.hostAddress()).as(form).isEqualTo(connectedTo);
        assertThat(address.port()).isEqualTo(443);
    }

    @Test
    void anAllowPatternOpensPrivateAddressesButNeverMetadata() throws Exception {
        HostGuard guard = guard(List.of("127.0.0.1:*", "169.254.169.254", "localhost"), List.of());
        assertThat(check(guard, "127.0.0.1", 5000).hostAddress()).isEqualTo("127.0.0.1");
        assertThat(check(guard, "localhost", 5000).hostAddress()).isEqualTo("127.0.0.1");
        assertThat(refusal(guard, "169.254.169.254", 80)).hasMessageContaining("link-local");
        assertThat(refusal(guard, "10.0.0.1", 443)).hasMessage("10.0.0.1:443 matches no registry.allow pattern");
    }

    @Test
    void denyPatternsWin() {
        HostGuard guard = guard(List.of("*.example.com", "127.0.0.1"), List.of("*.example.com:8443", "127.0.0.1:6000"));
        assertThat(refusal(guard, "registry.example.com", 8443)).hasMessage("registry.example.com:8443 matches registry.deny");
        assertThat(refusal(guard, "127.0.0.1", 6000).kind()).isEqualTo(Kind.REFUSED_BY_POLICY);
    }

    /** Kubernetes' per-label matching: the bypass was {@code 10.0.0.*:5000} admitting a name under evil.example. */
    @Test
    void aGlobNeverCrossesADot() throws Exception {
        dns.answer("10.0.0.1.evil.example", ipv4("203.0.113.9")).answer("example.com", ipv4("203.0.113.10"))
                .answer("a.b.example.com", ipv4("203.0.113.11")).answer("a.example.com", ipv4("203.0.113.12"));
        HostGuard guard = guard(List.of("10.0.0.*:5000", "*.example.com"), List.of());
        assertThat(refusal(guard, "10.0.0.1.evil.example", 5000)).hasMessageContaining("matches no registry.allow pattern");
        assertThat(refusal(guard, "example.com", 443)).hasMessageContaining("matches no registry.allow pattern");
        assertThat(refusal(guard, "a.b.example.com", 443)).hasMessageContaining("matches no registry.allow pattern");
        assertThat(check(guard, "a.example.com", 443).hostAddress()).isEqualTo("203.0.113.12");
        assertThat(check(guard, "10.0.0.1", 5000).hostAddress()).as("named, so private is fine").isEqualTo("10.0.0.1");
        assertThat(dns.lookups).as("refused names are not even looked up").containsExactly("a.example.com");
    }

    @Test
    void aPortInAPatternMustBeTheOneConnectedTo() throws Exception {
        HostGuard guard = guard(List.of("10.0.0.1:5000", "registry.example.com:443", "10.0.0.2"), List.of());
        assertThat(refusal(guard, "10.0.0.1", 5001)).hasMessageContaining("matches no registry.allow pattern");
        assertThat(check(guard, "registry.example.com", 443).hostAddress()).as("https:// without a port is 443")
                .isEqualTo("203.0.113.7");
        assertThat(check(guard, "10.0.0.2", 1).hostAddress()).as("no port: every port").isEqualTo("10.0.0.2");
    }

    /** A deny pattern's {@code *} covers one label too: deeper names need a pattern of their own. */
    @Test
    void aDenyPatternCoversOneLabelPerStar() throws Exception {
        dns.answer("a.internal.example", ipv4("203.0.113.20")).answer("a.b.internal.example", ipv4("203.0.113.21"));
        HostGuard guard = guard(List.of(), List.of("*.internal.example"));
        assertThat(refusal(guard, "a.internal.example", 1234)).hasMessage("a.internal.example:1234 matches registry.deny");
        assertThat(check(guard, "a.b.internal.example", 443).hostAddress()).isEqualTo("203.0.113.21");
        HostGuard deeper = guard(List.of(), List.of("*.internal.example", "*.*.internal.example"));
        assertThat(refusal(deeper, "a.b.internal.example", 443)).hasMessageContaining("registry.deny");
    }

    /** One spelling per address: a pattern and a URL agree however either wrote it. */
    @Test
    void ipLiteralsMatchPatternsWhateverTheirSpelling() throws Exception {
        HostGuard guard = guard(List.of("[fd00::1]:5000"), List.of("10.0.0.9"));
        assertThat(check(guard, "[FD00:0:0::1]", 5000).hostAddress()).isEqualTo("fd00:0:0:0:0:0:0:1");
        assertThat(refusal(guard, "[::ffff:10.0.0.9]", 443)).hasMessage("10.0.0.9:443 matches registry.deny");
    }

    /** To patterns, an absolute name is the same host; to the resolver it stays absolute (no search domains). */
    @Test
    void anAbsoluteNameIsTheSameHostAsWithoutItsFinalDot() throws Exception {
        dns.answer("registry.example.com.", ipv4("203.0.113.7"));
        HostGuard guard = guard(List.of(), List.of("metadata.internal.example"));
        assertThat(refusal(guard, "metadata.internal.example.", 80)).hasMessage("metadata.internal.example:80 matches registry.deny");
        assertThat(check(guard, "registry.example.com.", 443).hostAddress()).isEqualTo("203.0.113.7");
        assertThat(dns.lookups).containsExactly("registry.example.com.");
    }

    @Test
    void everyAddressOfANameIsChecked() {
        dns.answer("mixed.test", ipv4("203.0.113.7"), ipv4("10.0.0.1"));
        assertThat(refusal(guard(List.of(), List.of()), "mixed.test", 443))
                .hasMessage("mixed.test:443 resolves to a private address 10.0.0.1");
    }

    /** The client connects to this address, not to the name: given a name, it could resolve it again. */
    @Test
    void theAnswerIsTheCheckedAddressWithoutItsName() throws Exception {
        SocketAddress address = check(guard(List.of(), List.of()), "registry.example.com", 443);
        assertThat(address.host()).isEqualTo("203.0.113.7");
        assertThat(address.hostName()).isNull();
    }

    @Test
    void namesAreLookedUpOnWorkerThreadsAndLiteralsNotAtAll() throws Exception {
        HostGuard guard = guard(List.of(), List.of());
        Promise<SocketAddress> fromEventLoop = Promise.promise();
        vertx.runOnContext(v -> guard.check("registry.example.com", 443).onComplete(fromEventLoop));
        Await.result(fromEventLoop.future().toCompletionStage());
        refusal(guard, "[::ffff:127.0.0.1]", 443);
        refusal(guard, "10.1.2.3", 443);
        assertThat(dns.lookups).containsExactly("registry.example.com");
        assertThat(dns.lookupsOnEventLoops).isEmpty();
    }

    @Test
    void anUnresolvableNameIsATransportFailure() {
        RegistryException failure = refusal(guard(List.of(), List.of()), "nowhere.test", 443);
        assertThat(failure.kind()).isEqualTo(Kind.TRANSPORT);
        assertThat(failure).hasMessage("cannot resolve host nowhere.test");
    }

    @ParameterizedTest(name = "pattern \"{0}\" is refused at startup")
    @ValueSource(strings = {"", "fd00::1:5000", "registry.example.com:50*", "registry.example.com:http", "[a-",
            "registry.example.com/path", "trailing\\"})
    void aPatternThatCouldNeverMatchIsAConfigurationError(String pattern) {
        assertThatThrownBy(() -> guard(List.of(), List.of(pattern))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + pattern + "\"");
    }
}
